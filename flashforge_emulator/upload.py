"""/uploadGcode: headers vetted before 100-continue, the body streamed to disk."""

from __future__ import annotations

import asyncio
import base64
import binascii
from dataclasses import dataclass, field
import json
from typing import Any

from aiohttp import BodyPartReader, hdrs, web

from .answers import BUSY, UNAUTHORIZED, RequestError, answer, bad_request, drop
from .codes import SUCCESS, Outcome
from .core import PrinterCore
from .faults import FaultKind
from .storage import CHUNK_BYTES, safe_file_name

UPLOAD_PATH = "/uploadGcode"
DROP_AFTER_KEY = web.RequestKey("drop_after", int)
BOOLEAN_HEADERS = (
    "printNow",
    "levelingBeforePrint",
    "flowCalibration",
    "useMatlStation",
    "firstLayerInspection",
    "timeLapseVideo",
)


@dataclass(slots=True)
class UploadParams:
    """What the /uploadGcode headers say."""

    file_size: int
    flags: dict[str, bool] = field(default_factory=dict)
    tool_count: int = 0
    mappings: list[Any] = field(default_factory=list)


def parse_upload_headers(core: PrinterCore, headers: Any) -> UploadParams:
    """Check the upload headers; raise RequestError with the firmware's answer."""
    if not core.authorized(headers.get("serialNumber"), headers.get("checkCode")):
        raise RequestError(UNAUTHORIZED)
    size_text = headers.get("fileSize", "")
    if not size_text.isdigit():
        raise bad_request("fileSize header must be the file size in bytes")
    params = UploadParams(file_size=int(size_text))
    for name in BOOLEAN_HEADERS:
        value = headers.get(name, "false")
        if value not in ("true", "false"):
            raise bad_request(f'{name} header must be "true" or "false"')
        params.flags[name] = value == "true"
    count = headers.get("gcodeToolCnt", "0")
    if not count.isdigit():
        raise bad_request("gcodeToolCnt header must be an integer")
    params.tool_count = int(count)
    encoded = headers.get("materialMappings", "")
    if encoded:
        try:
            mappings = json.loads(base64.b64decode(encoded, validate=True))
        except binascii.Error, ValueError:
            raise bad_request(
                "materialMappings header must be Base64 of a JSON array"
            ) from None
        if not isinstance(mappings, list):
            raise bad_request("materialMappings header must be Base64 of a JSON array")
        params.mappings = mappings
    return params


class Uploads:
    """Handlers of /uploadGcode."""

    def __init__(self, core: PrinterCore) -> None:
        """Receive files for one printer."""
        self.core = core

    async def expect(self, request: web.Request) -> web.StreamResponse | None:
        """Vet upload headers before the body is sent (Expect: 100-continue)."""
        core = self.core
        try:
            parse_upload_headers(core, request.headers)
        except RequestError as err:
            core.request_counts[UPLOAD_PATH] += 1
            return answer(core, err.outcome)
        if core.executing or core.faults.take(UPLOAD_PATH, frozenset({FaultKind.BUSY})):
            core.request_counts[UPLOAD_PATH] += 1
            executed = core.begin_command()  # counted as in flight, for the record
            core.end_command(executed=executed)
            return answer(core, BUSY)
        if request.headers.get(hdrs.EXPECT, "").lower() != "100-continue":
            raise web.HTTPExpectationFailed(
                text=f"Unknown Expect: {request.headers[hdrs.EXPECT]}"
            )
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return None

    async def upload(self, request: web.Request) -> web.StreamResponse:
        """Receive a file into storage, streaming it to disk; maybe print it."""
        core = self.core
        params = parse_upload_headers(core, request.headers)
        executed = core.begin_command()
        try:
            if not executed:
                return answer(core, BUSY)
            return await self._receive(request, params)
        finally:
            core.end_command(executed=executed)

    async def _receive(
        self, request: web.Request, params: UploadParams
    ) -> web.StreamResponse:
        core = self.core
        try:
            reader = await request.multipart()
        except AssertionError, ValueError, KeyError:
            raise bad_request("the body must be multipart/form-data") from None
        while True:
            part = await reader.next()
            if part is None:
                raise bad_request("multipart field gcodeFile is missing")
            if isinstance(part, BodyPartReader) and part.name == "gcodeFile":
                break
            await part.release()
        name = safe_file_name(part.filename or "")
        if name is None:
            raise bad_request("gcodeFile needs a file name")
        drop_after = request.get(DROP_AFTER_KEY)
        spool = core.store.open_spool(name)
        try:
            while chunk := await part.read_chunk(CHUNK_BYTES):
                spool.write(chunk)
                if drop_after is not None and spool.size >= drop_after:
                    spool.discard()
                    return drop(request)
        except BaseException:
            spool.discard()
            raise
        if spool.size != params.file_size:
            spool.discard()
            raise bad_request(
                f"fileSize header says {params.file_size} bytes but {spool.size} arrived"
            )
        await asyncio.sleep(core.command_seconds)
        stored = core.store.finish_spool(spool, name)
        if not params.flags["printNow"]:
            return answer(core, SUCCESS)
        state = core.tick()
        outcome = state.start_print(
            name,
            stored.meta,
            leveling=params.flags["levelingBeforePrint"],
            use_matl_station=params.flags["useMatlStation"],
            tool_count=params.tool_count,
            mappings=params.mappings,
        )
        if outcome.ok:
            core.store.touch(name)
            return answer(core, SUCCESS)
        return answer(
            core,
            Outcome(outcome.code, f"File stored but not printed: {outcome.message}"),
        )
