"""Async client for the FlashForge legacy TCP API (port 8899)."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
import contextlib
from functools import partial
import logging
import math
from pathlib import Path
import re
from typing import Final

from ..closing import AsyncClosing, Operations
from ..const import DEFAULT_REQUEST_TIMEOUT
from ..errors import (
    FileProblem,
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeFileError,
    FlashForgeInUseError,
    FlashForgeNotFoundError,
    FlashForgeTimeoutError,
)
from ..upload import ProgressCallback, UploadSource, opened_source, validate_file_name
from .const import (
    DEFAULT_TCP_PORT,
    MAX_LINE_BYTES,
    MAX_PATH_BYTES,
    NOT_FOUND_CODE,
    RELEASE_TIMEOUT,
    UPLOAD_CHUNK_SIZE,
    USER_FOLDER,
)
from .gcode import command_code, gcode_lines
from .models import LegacyInfo, LegacyState
from .replies import Reply, ReplyReader, parse_info, parse_state, refusal

_LOGGER = logging.getLogger(__name__)

# The 5M family starts a print on M23; the others only select the file, and
# need M24 (networkserver_commands_adventurer3.yaml, ..._adventurer4.yaml).
_STARTS_ON_SELECT: Final = re.compile(r"\b(?:5M|AD5X)\b", re.IGNORECASE)
# The Adventurer 3 (and the Finder, the same firmware): it reads M146's
# argument as on unless it is "0" ("M146 r0 g0 b0 F0" would turn its light
# on), and forwards motion commands without a reply.
_ADVENTURER_3: Final = re.compile(r"Adventurer\s*(?:III|3)\b|Finder", re.IGNORECASE)
_UNANSWERED_ON_ADVENTURER_3: Final = frozenset({"G1", "G28", "G90", "G91", "G92"})
# M23 on the Adventurer 3 "opens" a missing file with size 0.
_NOTHING_OPENED: Final = re.compile(r"Size:\s*0\b")
# What M601 answers when another program holds control (the Adventurer 3
# says "Error: have been connected").
_REFUSED: Final = re.compile(r"control failed|have been connected", re.IGNORECASE)

type _Read[T] = Callable[[ReplyReader], Awaitable[T]]


class _Connection:
    """One session's connection: its replies, its writer, and how far it got."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        """Wrap an open connection."""
        self.replies = ReplyReader(reader)
        self.writer = writer
        # M601 went out and was not refused: the session may hold control.
        self.controlled = False
        # Every command sent got its whole reply: the framing is intact.
        self.clean = True
        # Raw file data is going out: a command now would become file data.
        self.in_upload = False

    async def send(self, command: str) -> None:
        """Send one command line."""
        if not command.isprintable():
            # A line break would smuggle a second command in.
            raise ValueError("A command is one line of printable text")
        self.writer.write(f"~{command}\r\n".encode())
        await self.writer.drain()


class FlashForgeTcpClient(AsyncClosing):
    """Talk to one printer over its legacy TCP API.

    The printer lets one client at a time control it, and slicers use the same
    port: each operation is one session (connect, take control with
    ``M601 S1``, work, release with ``M602``, close), and nothing is held
    between operations. The release and close happen whatever ends the
    session: success, an error, a timeout or cancellation. Operations of one
    client run one at a time.
    """

    def __init__(
        self,
        host: str,
        *,
        port: int = DEFAULT_TCP_PORT,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        """Store where the printer is."""
        self.host = host
        self.port = port
        self.request_timeout = request_timeout
        self._lock = asyncio.Lock()
        self._operations = Operations()
        # Learnt from M115: which forms of M23 and M146 the printer takes.
        self._machine_type: str | None = None

    def __repr__(self) -> str:
        """Describe the client."""
        return f"FlashForgeTcpClient({self.host}:{self.port})"

    async def close(self) -> None:
        """Stop the client: end its operation in flight, refuse new ones.

        Returns once the stopped operation has released control and closed
        its connection; an upload stopped before its last bytes is incomplete,
        and the printer does not keep it.
        """
        await self._operations.stop()

    # Reads

    async def info(self) -> LegacyInfo:
        """Return who the printer is (``M115``)."""
        return await self._session(self._info)

    async def state(self) -> LegacyState:
        """Return what the printer is doing (``M119``, ``M105``, ``M27``)."""

        async def work(connection: _Connection) -> LegacyState:
            status = await self._request(connection, "M119")
            temperatures = await self._request(connection, "M105")
            progress = await self._request(connection, "M27")
            return parse_state(status, temperatures, progress)

        return await self._session(work)

    async def files(self) -> list[str]:
        """Return the paths of every file stored on the printer (``M661``)."""
        return await self._session(
            partial(self._exchange, command="M661", read=ReplyReader.file_list)
        )

    async def thumbnail(self, path: str) -> bytes:
        """Return the preview image of a stored file (``M662``)."""
        command = f"M662 {_argument(path)}"
        return await self._session(
            partial(self._exchange, command=command, read=ReplyReader.thumbnail)
        )

    # Jobs and files

    async def print_file(self, path: str) -> None:
        """Start printing a stored file: a path as ``files()`` gives it, or a name."""
        await self._session(partial(self._start, target=_stored_path(path)))

    async def upload(
        self,
        source: Path | UploadSource,
        *,
        file_name: str | None = None,
        print_now: bool = False,
        progress: ProgressCallback | None = None,
    ) -> None:
        """Stream a file to the printer (``M28``, the bytes, ``M29``), maybe print it.

        ``source`` is a path, opened here without following a link, or a
        source the caller opened (and checked) and closes. The file is read in
        chunks, so memory stays flat whatever its size. A printer that stops
        taking data for ``request_timeout`` seconds fails the upload.
        """
        async with opened_source(source) as opened:
            path = source if isinstance(source, Path) else source.real_path
            name = validate_file_name(path.name if file_name is None else file_name)

            async def work(connection: _Connection) -> None:
                await self._send_file(connection, opened, name, progress)
                if print_now:
                    await self._start(connection, target=f"{USER_FOLDER}{name}")

            await self._session(work)

    async def pause_print(self) -> None:
        """Pause the running print (``M25``)."""
        await self._commands("M25")

    async def resume_print(self) -> None:
        """Resume the paused print (``M24``)."""
        await self._commands("M24")

    async def cancel_print(self) -> None:
        """Cancel the current print (``M26``)."""
        await self._commands("M26")

    # Controls

    async def set_light(
        self, on: bool, color: tuple[int, int, int] | None = None
    ) -> None:
        """Turn the light on (in a colour, where it has colours) or off (``M146``).

        An on/off light (Adventurer 3) ignores the colour.
        """
        red, green, blue = (255, 255, 255) if color is None else color
        if not all(isinstance(part, int) and 0 <= part <= 255 for part in color or ()):
            raise ValueError("A colour is three values from 0 to 255")
        if not on:
            red = green = blue = 0

        async def work(connection: _Connection) -> None:
            if _ADVENTURER_3.search(await self._machine(connection)):
                await self._request(connection, f"M146 {int(on)}")
            else:
                await self._request(connection, f"M146 r{red} g{green} b{blue} F0")

        await self._session(work)

    async def home(self) -> None:
        """Home all axes (``G28``)."""
        await self._commands("G28")

    async def move(
        self,
        *,
        x: float = 0,
        y: float = 0,
        z: float = 0,
        e: float = 0,
        feed_rate: int,
    ) -> None:
        """Move the head, or the filament (e), by a distance (mm) at a feed rate (mm/min).

        The move is relative; the printer is put back into absolute
        positioning afterwards, which print files and other programs expect.
        """
        distances = {"X": x, "Y": y, "Z": z, "E": e}
        if not all(math.isfinite(value) for value in distances.values()):
            raise ValueError("A distance must be a finite number")
        if isinstance(feed_rate, bool) or feed_rate <= 0:
            raise ValueError("The feed rate must be positive")
        axes = " ".join(
            f"{axis}{_number(value)}" for axis, value in distances.items() if value
        )
        if not axes:
            raise ValueError("Give a distance to move")

        async def work(connection: _Connection) -> None:
            await self._request(connection, "G91")
            try:
                await self._request(connection, f"G1 {axes} F{int(feed_rate)}")
            finally:
                if connection.clean:
                    # Also after a refused move: G91 was taken.
                    await self._request(connection, "G90")

        await self._session(work)

    async def set_temperatures(
        self, *, nozzle: int | None = None, bed: int | None = None
    ) -> None:
        """Set target temperatures (°C, ``M104``/``M140``); 0 turns a heater off."""
        targets = {"M104": nozzle, "M140": bed}
        given = [(code, value) for code, value in targets.items() if value is not None]
        if not given:
            raise ValueError("Give at least one value to change")
        if any(value < 0 for _, value in given):
            raise ValueError("A temperature cannot be negative")
        await self._commands(*(f"{code} S{int(value)}" for code, value in given))

    async def set_cooling_fan(self, on: bool) -> None:
        """Turn the part cooling fan on or off (``M106``/``M107``)."""
        await self._commands("M106" if on else "M107")

    async def emergency_stop(self) -> None:
        """Stop everything at once (``M112``); the print is lost."""
        await self._commands("M112")

    async def send_gcode(self, gcode: str | Sequence[str]) -> list[str]:
        """Send G-code; return each command's reply (its data lines, joined).

        ``gcode_lines`` says what is sent and refuses, before anything goes
        out, what would break the session. A motion command the Adventurer 3
        does not answer gets an empty reply.
        """
        commands = gcode_lines(gcode)

        async def work(connection: _Connection) -> list[str]:
            return [
                (await self._request(connection, command)).text()
                for command in commands
            ]

        return await self._session(work)

    # Plumbing

    async def _info(self, connection: _Connection) -> LegacyInfo:
        """Ask who the printer is, and remember its type."""
        info = parse_info(await self._request(connection, "M115"))
        self._machine_type = info.machine_type or ""
        return info

    async def _machine(self, connection: _Connection) -> str:
        """Return the printer's type, asking it once per client."""
        if self._machine_type is None:
            await self._info(connection)
        return self._machine_type or ""

    async def _start(self, connection: _Connection, *, target: str) -> None:
        """Select a stored file (``M23``) and start it where selecting does not."""
        selected = await self._request(connection, f"M23 {target}")
        if _NOTHING_OPENED.search(selected.text()):
            raise FlashForgeNotFoundError(
                NOT_FOUND_CODE, f"The printer has no file {target}"
            )
        if not _STARTS_ON_SELECT.search(await self._machine(connection)):
            await self._request(connection, "M24")

    async def _commands(self, *commands: str) -> None:
        """Send commands in one session, each once the last was answered."""

        async def work(connection: _Connection) -> None:
            for command in commands:
                await self._request(connection, command)

        await self._session(work)

    async def _send_file(
        self,
        connection: _Connection,
        source: UploadSource,
        name: str,
        progress: ProgressCallback | None,
    ) -> None:
        """Announce a file, send its bytes raw, and have the printer check them.

        Each chunk gets ``request_timeout``, so a large file is not cut off
        while a stalled printer still is.
        """
        size = source.size
        await self._request(connection, f"M28 {size} {USER_FOLDER}{name}")
        connection.in_upload = True
        sent = 0
        while sent < size:
            async with asyncio.timeout(self.request_timeout):
                chunk = await _read_chunk(
                    source, sent, min(UPLOAD_CHUNK_SIZE, size - sent)
                )
                connection.writer.write(chunk)
                await connection.writer.drain()
            sent += len(chunk)
            if progress is not None:
                progress(sent, size)
        connection.in_upload = False
        await self._request(connection, "M29")

    async def _request(self, connection: _Connection, command: str) -> Reply:
        """Send one command; return its reply, refusing the printer's error.

        The Adventurer 3 does not answer motion commands: they are only sent
        (an answer that comes anyway is skipped as an earlier reply's).
        """
        code = command_code(command) or command
        if code in _UNANSWERED_ON_ADVENTURER_3 and _ADVENTURER_3.search(
            await self._machine(connection)
        ):
            async with asyncio.timeout(self.request_timeout):
                await connection.send(command)
            return Reply(code, ())
        reply = await self._exchange(
            connection, command=command, read=partial(ReplyReader.reply, code=code)
        )
        if reply.error is not None:
            raise refusal(reply.code, reply.error)
        return reply

    async def _exchange[T](
        self, connection: _Connection, *, command: str, read: _Read[T]
    ) -> T:
        """Send one command and read its reply with read, within ``request_timeout``."""
        connection.clean = False
        async with asyncio.timeout(self.request_timeout):
            await connection.send(command)
            result = await read(connection.replies)
        connection.clean = True
        return result

    async def _session[T](self, work: Callable[[_Connection], Awaitable[T]]) -> T:
        """Run work in one session, once no other operation of this client runs."""
        return await self._operations.run(self._exclusive(work))

    async def _exclusive[T](self, work: Callable[[_Connection], Awaitable[T]]) -> T:
        """Run a session once the last one ended; wait ``request_timeout`` at most."""
        try:
            async with asyncio.timeout(self.request_timeout):
                await self._lock.acquire()
        except TimeoutError:
            raise FlashForgeInUseError(
                "Another operation of this client holds control of the printer"
            ) from None
        try:
            return await self._mapped(work)
        finally:
            self._lock.release()

    async def _mapped[T](self, work: Callable[[_Connection], Awaitable[T]]) -> T:
        """Run a session; this is where every transport failure becomes the client's."""
        failure: FlashForgeError
        try:
            return await self._run(work)
        except TimeoutError:
            failure = FlashForgeTimeoutError(
                f"Timeout talking to the printer at {self.host}:{self.port}"
            )
        except OSError as err:
            failure = FlashForgeConnectionError(
                f"Cannot talk to the printer at {self.host}:{self.port}: {type(err).__name__}"
            )
        # Raised outside the handlers, so that no OS error is chained under it.
        raise failure

    async def _run[T](self, work: Callable[[_Connection], Awaitable[T]]) -> T:
        """Connect, take control, work, and always release and close."""
        async with asyncio.timeout(self.request_timeout):
            reader, writer = await asyncio.open_connection(
                self.host, self.port, limit=MAX_LINE_BYTES
            )
        connection = _Connection(reader, writer)
        try:
            await self._take_control(connection)
            return await work(connection)
        finally:
            await self._end(connection)

    async def _take_control(self, connection: _Connection) -> None:
        """Ask for control (``M601 S1``); refused, another program holds it."""
        # Unanswered, the request may have been granted: release it then.
        connection.controlled = True
        reply = await self._exchange(
            connection, command="M601 S1", read=partial(ReplyReader.reply, code="M601")
        )
        if reply.error is not None or _REFUSED.search(reply.text()):
            connection.controlled = False
            raise FlashForgeInUseError("Another program holds control of the printer")

    async def _end(self, connection: _Connection) -> None:
        """Release control (``M602``) and close the connection, whatever happened.

        After a broken exchange the release goes out unanswered, as the
        framing can no longer be trusted; during an upload it does not go
        out at all, as the printer would store it as file data. Each step is
        bounded by ``RELEASE_TIMEOUT``.
        """
        writer = connection.writer
        try:
            if connection.controlled and not connection.in_upload:
                async with asyncio.timeout(RELEASE_TIMEOUT):
                    await connection.send("M602")
                    if connection.clean:
                        await connection.replies.reply("M602")
        except (FlashForgeError, OSError, TimeoutError) as err:
            _LOGGER.debug("Releasing %s failed: %s", self, type(err).__name__)
        finally:
            if writer.transport.get_write_buffer_size():
                # Unsent data (a stalled upload) would hold the close up.
                writer.transport.abort()
            writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                async with asyncio.timeout(RELEASE_TIMEOUT):
                    await writer.wait_closed()


async def _read_chunk(source: UploadSource, offset: int, size: int) -> bytes:
    """Return the next chunk of a file being sent, refusing a short one."""
    try:
        chunk = await asyncio.to_thread(source.read, offset, size)
    except OSError as err:
        raise FlashForgeFileError(
            f"Cannot read {source.real_path.name}: {err.strerror}"
        ) from None
    if not chunk:
        # The file shrank after it was opened; the printer would wait forever.
        raise FlashForgeFileError("The file shrank while being sent")
    return chunk


def _argument(path: str) -> str:
    """Return a stored file's path, if a command line can carry it."""
    if (
        not path
        or path != path.strip()
        or not path.isprintable()
        or len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES
    ):
        raise FlashForgeFileError(
            f"Invalid file path {path[:MAX_PATH_BYTES]!r}",
            FileProblem.INVALID_NAME,
            file_name=path[:MAX_PATH_BYTES],
        )
    return path


def _stored_path(path: str) -> str:
    """Return the printers' notation for a stored file: ``0:/data/..``, ``0:/user/..``."""
    path = _argument(path)
    if path.startswith("0:/"):
        return path
    if path.startswith("/"):
        return f"0:{path}"
    return f"{USER_FOLDER}{validate_file_name(path)}"


def _number(value: float) -> str:
    """Return a distance as G-code writes it: no exponent, up to three decimals."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text
