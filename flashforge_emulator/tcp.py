"""The legacy TCP API on port 8899: sessions, control and the command loop.

A client connects, takes control with `~M601 S1`, sends `~<CODE> <args>`
lines and releases with `~M602`. One connection holds control at a time; a
second `M601` is refused until the holder releases or disconnects. The
replies' wording lives in `tcp_replies`, the commands in `tcp_commands`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import re

from . import tcp_commands, tcp_replies
from .core import PrinterCore
from .faults import TCP_FAILURE_KINDS, TCP_PREFIX, FaultKind
from .profiles import TcpDialect
from .storage import CHUNK_BYTES, Spool, safe_file_name

# A command line longer than this is not a command: the connection is closed.
MAX_LINE_BYTES = 4096
# The A3 YAML's M28 argument pattern: the size, then a path under 0:/user/.
UPLOAD_ARGS = re.compile(r"(\d+)\s+0:/user/([^\n]+)")
# An upload whose bytes stop arriving for this long is abandoned.
UPLOAD_IDLE_SECONDS = 30.0
# A GARBAGE fault without after_bytes sends this much noise.
GARBAGE_BYTES = 512


class DropConnectionError(Exception):
    """Close the connection without a reply (a DROP fault)."""


class TcpConnection:
    """One client connection: its number (control is held by number) and streams."""

    def __init__(
        self,
        number: int,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        """Wrap an accepted connection."""
        self.number = number
        self.reader = reader
        self.writer = writer

    async def send(self, data: bytes) -> None:
        """Write a reply and wait until the socket takes it."""
        self.writer.write(data)
        await self.writer.drain()


class TcpServer:
    """Serve the legacy TCP API for one printer."""

    def __init__(self, core: PrinterCore, host: str, port: int) -> None:
        """Prepare; nothing listens until start()."""
        self.core = core
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._connections: set[TcpConnection] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._numbers = itertools.count(1)

    @property
    def listening(self) -> bool:
        """Return whether the port accepts connections."""
        return self._server is not None

    @property
    def connection_count(self) -> int:
        """Return how many clients are connected now."""
        return len(self._connections)

    async def start(self) -> None:
        """Listen (on the same port again after stop())."""
        if self._server is not None:
            return
        server = await asyncio.start_server(
            self._accept,
            self.host,
            self.port,
            limit=MAX_LINE_BYTES,
            reuse_address=True,
        )
        self._server = server
        self.port = int(server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and drop every connection (control goes with them)."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for connection in list(self._connections):
            connection.writer.close()
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if server is not None:
            await server.wait_closed()
        self.core.tcp_holder = None

    async def _accept(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - asyncio runs callbacks in a task
            return
        connection = TcpConnection(next(self._numbers), reader, writer)
        self._tasks.add(task)
        self._connections.add(connection)
        try:
            await self._serve(connection)
        except (
            ConnectionError,
            DropConnectionError,
            TimeoutError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
        ):
            pass  # the client went away, stalled, or sent something not a command
        finally:
            self._connections.discard(connection)
            self._tasks.discard(task)
            if self.core.tcp_holder == connection.number:
                # A dropped connection releases control, as on the printer.
                self.core.tcp_holder = None
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _serve(self, connection: TcpConnection) -> None:
        while True:
            try:
                raw = await connection.reader.readuntil(b"\n")
            except asyncio.IncompleteReadError:
                return
            line = raw.decode("utf-8", "replace").strip()
            if not line:
                continue
            self.core.tcp_commands.append(line)
            reply = await self.respond(connection, line)
            if reply is not None:
                await connection.send(reply)

    async def respond(self, connection: TcpConnection, line: str) -> bytes | None:
        """Return the reply to one command line, faults applied; None sends nothing."""
        code, _, args = line.removeprefix("~").strip().partition(" ")
        code = code.upper()
        args = args.strip()
        faults = self.core.faults
        fault = None
        if faults:
            path = TCP_PREFIX + code
            if delay := faults.take_latency(path):
                await asyncio.sleep(delay)
            fault = faults.take(path, TCP_FAILURE_KINDS)
        drop_after = None
        if fault is not None and fault.kind == FaultKind.DROP:
            if code != "M28" or fault.after_bytes <= 0:
                raise DropConnectionError
            drop_after = fault.after_bytes
        if fault is not None and fault.kind == FaultKind.SILENCE:
            return None
        reply = await self.handle(connection, code, args, drop_after=drop_after)
        if fault is not None and fault.kind == FaultKind.GARBAGE:
            await self._send_garbage(connection, code, fault.after_bytes)
            return None
        return reply

    async def _send_garbage(
        self, connection: TcpConnection, code: str, size: int
    ) -> None:
        """Send a reply whose data is `size` bytes of noise without a line end."""
        await connection.send(f"CMD {code} Received.\r\n".encode())
        remaining = size or GARBAGE_BYTES
        block = hashlib.sha256(code.encode()).digest() * (CHUNK_BYTES // 32)
        block = block.replace(b"\n", b"\x00").replace(b"\r", b"\xff")
        while remaining:
            await connection.send(block[: min(remaining, len(block))])
            remaining -= min(remaining, len(block))
        await connection.send(b"\r\nok\r\n")

    async def handle(
        self,
        connection: TcpConnection,
        code: str,
        args: str,
        *,
        drop_after: int | None = None,
    ) -> bytes | None:
        """Carry out one command and return its reply; None sends nothing."""
        core = self.core
        core.tick()
        if code == "M601":
            return self._take_control(connection)
        if code == "M602":
            if core.tcp_holder == connection.number:
                core.tcp_holder = None
            return tcp_replies.control_released(core)
        if code == "M28":
            return await self._upload(connection, args, drop_after)
        if code == "M29":
            return tcp_replies.refuse(code, "no file is being uploaded")
        return tcp_commands.apply(core, code, args)

    async def _upload(
        self, connection: TcpConnection, args: str, drop_after: int | None
    ) -> bytes | None:
        """M28 <size> 0:/user/<name>, exactly <size> raw bytes, then M29."""
        core = self.core
        match = UPLOAD_ARGS.fullmatch(args)
        name = safe_file_name(match.group(2)) if match else None
        if match is None or name is None:
            return tcp_replies.refuse("M28", "Cannot create file")
        size = int(match.group(1))
        free_bytes = (core.profile.disk_total_mb - core.store.used_mb) * 1_000_000
        if size > free_bytes:
            return tcp_replies.refuse("M28", "Not enough space")
        await connection.send(tcp_replies.frame("M28", []))
        spool = core.store.open_spool(name)
        try:
            line = await self._receive(connection, spool, size, drop_after)
        except BaseException:
            spool.discard()
            raise
        command = line.decode("utf-8", "replace").strip()
        core.tcp_commands.append(command)
        if command.removeprefix("~").strip().upper() != "M29":
            # The upload was never confirmed: the firmware keeps no partial file.
            spool.discard()
            return await self.respond(connection, command)
        core.store.finish_spool(spool, name)
        if core.profile.tcp_dialect == TcpDialect.ADVENTURER_3:
            return tcp_replies.frame(
                "M29", [f"filesize = {size}  tofile.size = {size}"]
            )
        return tcp_replies.frame("M29", [])

    async def _receive(
        self,
        connection: TcpConnection,
        spool: Spool,
        size: int,
        drop_after: int | None,
    ) -> bytes:
        """Spool exactly size raw bytes; return the command line that follows."""
        remaining = size
        while remaining:
            chunk = await asyncio.wait_for(
                connection.reader.readexactly(min(CHUNK_BYTES, remaining)),
                UPLOAD_IDLE_SECONDS,
            )
            spool.write(chunk)
            remaining -= len(chunk)
            if drop_after is not None and spool.size >= drop_after:
                raise DropConnectionError
        return await asyncio.wait_for(
            connection.reader.readuntil(b"\n"), UPLOAD_IDLE_SECONDS
        )

    def _take_control(self, connection: TcpConnection) -> bytes:
        core = self.core
        refused = frozenset({FaultKind.CONTROL_REFUSED})
        if core.tcp_holder not in (None, connection.number) or (
            core.faults and core.faults.take(TCP_PREFIX + "M601", refused)
        ):
            return tcp_replies.control_refused(core)
        core.tcp_holder = connection.number
        return tcp_replies.control_granted(core)
