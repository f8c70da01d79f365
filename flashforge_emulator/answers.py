"""How the HTTP API answers: the firmware's JSON envelope and its refusals."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import hdrs, web

from .codes import Outcome, ResponseCode, invalid
from .core import PrinterCore

BUSY = Outcome(ResponseCode.BUSY, "Busy")
UNAUTHORIZED = Outcome(ResponseCode.UNAUTHORIZED, "Unauthorized")


class RequestError(Exception):
    """A request the firmware answers with a non-zero code."""

    def __init__(self, outcome: Outcome) -> None:
        """Carry the answer."""
        super().__init__(outcome.message)
        self.outcome = outcome


def bad_request(message: str) -> RequestError:
    """Return the error for a request with a bad parameter."""
    return RequestError(invalid(message))


def answer(core: PrinterCore, outcome: Outcome, **extra: Any) -> web.Response:
    """Return the JSON envelope {"code", "message", ...} with the firmware's headers."""
    payload = {"code": int(outcome.code), "message": outcome.message, **extra}
    return web.Response(
        body=json.dumps(payload, separators=(",", ":")).encode(),
        headers={hdrs.CONTENT_TYPE: core.profile.json_content_type},
    )


def drop(request: web.Request) -> web.Response:
    """Close the connection; the returned response is never written."""
    request.protocol.force_close()
    return web.Response()
