"""The Emulator: one emulated printer with its HTTP API, camera and discovery."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
import shutil
import tempfile
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .camera import CameraServer
from .clock import Clock
from .core import PrinterCore, ReceivedCommand
from .discovery import DiscoveryResponder
from .faults import Fault, FaultKind
from .profiles import Profile, get_profile
from .server import HttpApi
from .state import PrinterState
from .storage import FileStore, StoredFile
from .tcp import TcpServer

SHUTDOWN_SECONDS = 1.0


class Emulator:
    """An emulated FlashForge printer serving the HTTP API on a loopback port."""

    def __init__(
        self,
        model: str | Profile = "5m-pro",
        *,
        serial: str = "SNFFEMU00001",
        check_code: str = "12345678",
        host: str = "127.0.0.1",
        port: int = 0,
        camera_port: int | None = 0,
        discovery_port: int | None = None,
        tcp_port: int | None = 0,
        heating_seconds: float = 30.0,
        print_seconds: float = 300.0,
        command_seconds: float = 0.01,
        storage_dir: str | Path | None = None,
        name: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Configure the printer; nothing listens until start()."""
        # A Profile of one's own makes variants: other firmware, no chamber sensor.
        self.profile: Profile = (
            model if isinstance(model, Profile) else get_profile(model)
        )
        self.host = host
        self._requested_port = port
        self._requested_camera_port = camera_port
        self._requested_discovery_port = discovery_port
        self._requested_tcp_port = tcp_port
        self._storage_dir = Path(storage_dir) if storage_dir is not None else None
        self._owns_storage = storage_dir is None
        self._clock = clock or Clock()
        self._serial = serial
        self._check_code = check_code
        self._name = name
        self._heating_seconds = heating_seconds
        self._print_seconds = print_seconds
        self._command_seconds = command_seconds
        self._core: PrinterCore | None = None
        self._api: HttpApi | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._camera: CameraServer | None = None
        self._discovery: DiscoveryResponder | None = None
        self._tcp: TcpServer | None = None
        self._online = False

    # ---------------------------------------------------------- lifecycle

    async def __aenter__(self) -> Self:
        """Start serving."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop serving and clean up."""
        await self.stop()

    def _prepare_storage(self) -> FileStore:
        if self._storage_dir is None:
            self._storage_dir = Path(tempfile.mkdtemp(prefix="flashforge-emu-"))
        self._storage_dir.mkdir(parents=True, exist_ok=True)
        store = FileStore(self._storage_dir)
        store.seed(self.profile)
        return store

    async def start(self) -> None:
        """Seed storage, then listen on the API, camera and discovery ports."""
        if self._core is not None:
            raise RuntimeError("emulator already started")
        core = PrinterCore(
            profile=self.profile,
            serial=self._serial,
            check_code=self._check_code,
            host=self.host,
            name=self._name,
            heating_seconds=self._heating_seconds,
            print_seconds=self._print_seconds,
            command_seconds=self._command_seconds,
            store=self._prepare_storage(),
            clock=self._clock,
        )
        self._core = core
        try:
            if self.profile.has_camera and self._requested_camera_port is not None:
                self._camera = CameraServer(
                    core, self.host, self._requested_camera_port
                )
                await self._camera.start()
                core.camera_port = self._camera.port
            if self.profile.has_http:
                api = HttpApi(core, self._sync_camera)
                self._api = api
                self._runner = web.AppRunner(
                    api.build_app(),
                    shutdown_timeout=SHUTDOWN_SECONDS,
                    access_log=None,
                    # Close, rather than drain, a request whose body was not read
                    # (an upload refused before 100-continue): no lingering task.
                    lingering_time=0,
                )
                await self._runner.setup()
                core.port = self._requested_port
            if self.profile.has_tcp and self._requested_tcp_port is not None:
                self._tcp = TcpServer(core, self.host, self._requested_tcp_port)
            await self._listen()
            if self._requested_discovery_port is not None:
                self._discovery = DiscoveryResponder(
                    core, self.host, self._requested_discovery_port
                )
                await self._discovery.start()
        except BaseException:
            await self.stop()
            raise

    async def _listen(self) -> None:
        core = self.core
        if self._runner is not None:
            site = web.TCPSite(self._runner, self.host, core.port, reuse_address=True)
            await site.start()
            self._site = site
            if core.port == 0:
                core.port = int(self._runner.addresses[0][1])
        if self._tcp is not None:
            await self._tcp.start()
            core.tcp_port = self._tcp.port
        self._online = True

    async def _sync_camera(self) -> None:
        if self._camera is not None:
            await self._camera.sync(online=self._online)

    async def stop(self) -> None:
        """Stop every server, close connections and remove private storage."""
        if self._camera is not None:
            await self._camera.stop()
            self._camera = None
        if self._discovery is not None:
            await self._discovery.stop()
            self._discovery = None
        await self._drop_connections()
        self._tcp = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._site = None
        self._api = None
        self._online = False
        if self._owns_storage and self._storage_dir is not None:
            shutil.rmtree(self._storage_dir, ignore_errors=True)
            self._storage_dir = None
        self._core = None

    async def _drop_connections(self) -> None:
        if self._tcp is not None:
            await self._tcp.stop()
        if self._site is not None:
            site, self._site = self._site, None
            await site.stop()
        server = self._runner.server if self._runner else None
        if server is not None:
            for connection in list(server.connections):
                connection.force_close()
        if self._api is not None:
            await self._api.cancel_handlers()

    async def go_offline(self) -> None:
        """Act unplugged: stop listening everywhere and drop open connections."""
        self._online = False
        await self._drop_connections()
        if self._camera is not None:
            await self._camera.sync(online=False)
        if self._discovery is not None:
            await self._discovery.stop()

    async def come_back(self) -> None:
        """Listen again, on the same ports as before."""
        if self._online:
            return
        await self._listen()
        if self._camera is not None:
            await self._camera.sync(online=True)
        if self._discovery is not None:
            await self._discovery.start()

    # -------------------------------------------------------------- access

    @property
    def core(self) -> PrinterCore:
        """Return the running printer (raises before start())."""
        if self._core is None:
            raise RuntimeError("emulator is not running; use start() or async with")
        return self._core

    @property
    def online(self) -> bool:
        """Return whether the API ports are listening."""
        return self._online

    @property
    def port(self) -> int:
        """Return the HTTP API port (0 for models without the HTTP API)."""
        return self.core.port

    @property
    def tcp_port(self) -> int | None:
        """Return the legacy TCP API port, or None for models without one."""
        return self._tcp.port if self._tcp is not None else None

    @property
    def tcp_commands(self) -> list[str]:
        """Return the TCP command lines received, in arrival order."""
        return self.core.tcp_commands

    @property
    def tcp_control_held(self) -> bool:
        """Return whether a TCP client holds control now."""
        return self.core.tcp_holder is not None

    @property
    def base_url(self) -> str:
        """Return the HTTP API base URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def camera_port(self) -> int | None:
        """Return the MJPEG port, or None for printers without a camera."""
        return self._camera.port if self._camera is not None else None

    @property
    def camera_url(self) -> str | None:
        """Return the MJPEG stream URL (whether or not the stream is on)."""
        port = self.camera_port
        return None if port is None else f"http://{self.host}:{port}/?action=stream"

    @property
    def discovery_port(self) -> int | None:
        """Return the UDP discovery port, or None when discovery is off."""
        return self._discovery.port if self._discovery is not None else None

    @property
    def serial(self) -> str:
        """Return the serial number."""
        return self.core.serial

    @property
    def check_code(self) -> str:
        """Return the current check code."""
        return self.core.check_code

    @property
    def storage_dir(self) -> Path | None:
        """Return where files are stored."""
        return self._storage_dir

    @property
    def printer(self) -> PrinterState:
        """Return the printer state, brought up to the current time."""
        return self.core.tick()

    @property
    def files(self) -> dict[str, StoredFile]:
        """Return the stored files by name."""
        return self.core.store.files

    @property
    def commands(self) -> list[ReceivedCommand]:
        """Return the /control commands received, in arrival order."""
        return self.core.commands

    @property
    def request_counts(self) -> Counter[str]:
        """Return how many requests each path received."""
        return self.core.request_counts

    @property
    def max_concurrent_commands(self) -> int:
        """Return the most command requests ever in flight at once."""
        return self.core.max_concurrent_commands

    def detail(self) -> dict[str, Any]:
        """Return the /detail "detail" object exactly as served now."""
        return self.core.detail()

    def auth(self) -> dict[str, str]:
        """Return the JSON credentials a request body needs."""
        return {"serialNumber": self.serial, "checkCode": self.check_code}

    # ------------------------------------------------------------- control

    def add_fault(
        self,
        kind: FaultKind,
        path: str | None = None,
        count: int | None = None,
        *,
        delay: float = 0.0,
        after_bytes: int = 0,
    ) -> None:
        """Inject a fault count times (None: until cleared) on a path.

        A path is an HTTP path ("/detail"; None: every HTTP path) or a TCP
        command as sent ("~M119"; "~": every TCP command).
        """
        self.core.faults.add(Fault(FaultKind(kind), path, count, delay, after_bytes))

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.core.faults.clear()

    def set_check_code(self, check_code: str) -> None:
        """Change the check code, as when the user re-enables LAN-only mode."""
        self.core.check_code = check_code

    def advance(self, seconds: float) -> None:
        """Move the simulation forward by seconds, deterministically."""
        self._clock.advance(seconds)
        self.core.tick()
