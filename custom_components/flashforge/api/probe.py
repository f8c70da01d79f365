"""Find out which network APIs a printer at an address speaks.

The HTTP API (port 8898) needs the serial number and the check code; asked
without them, a FlashForge printer still answers, with a refusal, and that
answer is all it takes to know the API is there. The legacy TCP API (port
8899) answers ``M115`` without credentials, and tells who the printer is.
"""

import asyncio
from dataclasses import dataclass

import aiohttp

from .const import DEFAULT_REQUEST_TIMEOUT
from .errors import FlashForgeConnectionError, FlashForgeError, FlashForgeInUseError
from .http import DEFAULT_PORT, FlashForgeHttpClient
from .tcp.client import FlashForgeTcpClient
from .tcp.const import DEFAULT_TCP_PORT
from .tcp.models import LegacyInfo

# No HTTP API ever sees these in a request; only whether it answers counts.
_NO_CREDENTIALS = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class PrinterProbe:
    """Which of a printer's network APIs answered."""

    http: bool  # something answered on the HTTP API's port
    tcp: LegacyInfo | None  # what M115 told on the TCP port
    # The TCP port answered, but another program (a slicer) holds control.
    tcp_in_use: bool = False

    @property
    def has_tcp(self) -> bool:
        """Return whether the TCP API answered, told who it is or not."""
        return self.tcp is not None or self.tcp_in_use

    @property
    def http_firmware_missing(self) -> bool:
        """Return whether a 5M's TCP API tells firmware without the full HTTP API."""
        return self.tcp is not None and self.tcp.http_firmware_missing


async def probe_printer(
    host: str,
    *,
    session: aiohttp.ClientSession | None,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    port: int | None = DEFAULT_PORT,
    tcp_port: int = DEFAULT_TCP_PORT,
) -> PrinterProbe:
    """Ask both APIs at once; a port that does not answer counts as not there.

    ``port`` None asks the TCP API alone (a legacy printer's discovery reply
    tells it has no HTTP API).
    """
    http, (tcp, in_use) = await asyncio.gather(
        _http_answers(host, port, session, request_timeout),
        _tcp_info(host, tcp_port, request_timeout),
    )
    return PrinterProbe(http=http, tcp=tcp, tcp_in_use=in_use)


async def _http_answers(
    host: str, port: int | None, session: aiohttp.ClientSession | None, seconds: float
) -> bool:
    """Return whether anything answers ``/detail`` on the port, refusing or not."""
    if port is None:
        return False
    async with FlashForgeHttpClient(
        host,
        _NO_CREDENTIALS,
        _NO_CREDENTIALS,
        port=port,
        session=session,
        request_timeout=seconds,
    ) as client:
        try:
            await client.detail()
        except FlashForgeConnectionError:
            return False  # nothing answered, or not in time
        except FlashForgeError:
            # A refusal in the API's own words, or an answer that the read
            # with credentials will explain: something serves the port.
            return True
    return True


async def _tcp_info(
    host: str, port: int, seconds: float
) -> tuple[LegacyInfo | None, bool]:
    """Return what M115 tells, and whether another program holds control."""
    async with FlashForgeTcpClient(host, port=port, request_timeout=seconds) as client:
        try:
            return await client.info(), False
        except FlashForgeInUseError:
            return None, True
        except FlashForgeError:
            return None, False
