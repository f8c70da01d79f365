"""The HTTP API on port 8898, as an aiohttp application."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
import json
from typing import Any

from aiohttp import hdrs, web

from .answers import BUSY, UNAUTHORIZED, RequestError, answer, bad_request, drop
from .codes import SUCCESS, Outcome, ResponseCode
from .core import PrinterCore, ReceivedCommand
from .faults import FAILURE_KINDS, FaultKind
from .images import png_to_bmp
from .upload import DROP_AFTER_KEY, UPLOAD_PATH, Uploads

HTML_ERROR_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"
    "<body><h1>500 Internal Server Error</h1><p>The server encountered an internal error.</p>"
    "</body></html>\n"
)


class HttpApi:
    """Handlers of the printer's HTTP API."""

    def __init__(
        self, core: PrinterCore, on_stream_change: Callable[[], Awaitable[None]]
    ) -> None:
        """Serve one printer; on_stream_change runs after streamCtrl_cmd."""
        self.core = core
        self._on_stream_change = on_stream_change
        self._handlers: set[asyncio.Task[object]] = set()

    async def cancel_handlers(self) -> None:
        """Cancel requests still being handled (the printer went away)."""
        tasks = [t for t in self._handlers if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        # aiohttp does not cancel a handler whose client left; without this a
        # slow handler (a latency fault) would outlive the emulator.
        await asyncio.gather(*tasks, return_exceptions=True)

    def build_app(self) -> web.Application:
        """Return the aiohttp application with every route of the profile."""
        app = web.Application(
            middlewares=[self._middleware], client_max_size=16 * 1024 * 1024
        )
        routes = {
            "/checkCode": self.check_code,
            "/detail": self.detail,
            "/product": self.product,
            "/control": self.control,
            "/gcodeList": self.gcode_list,
            "/printGcode": self.print_gcode,
        }
        if self.core.profile.has_gcode_thumb:
            routes["/gcodeThumb"] = self.gcode_thumb
        for path, handler in routes.items():
            app.router.add_post(path, handler)
        uploads = Uploads(self.core)
        app.router.add_route(
            "POST", UPLOAD_PATH, uploads.upload, expect_handler=uploads.expect
        )
        app.router.add_get("/getThum", self.get_thumb)
        return app

    # ------------------------------------------------------------ helpers

    async def _authorized_body(self, request: web.Request) -> dict[str, Any]:
        """Read the JSON body and check its credentials."""
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            raise bad_request("Invalid parameter: the body is not JSON") from None
        if not isinstance(body, dict):
            raise bad_request("Invalid parameter: the body must be a JSON object")
        if not self.core.authorized(body.get("serialNumber"), body.get("checkCode")):
            raise RequestError(UNAUTHORIZED)
        return body

    @web.middleware
    async def _middleware(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Count requests, inject faults and turn RequestError into answers."""
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - aiohttp always runs handlers in a task
            return await self._handle(request, handler)
        self._handlers.add(task)
        try:
            return await self._handle(request, handler)
        finally:
            self._handlers.discard(task)

    async def _handle(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        core = self.core
        path = request.path
        core.request_counts[path] += 1
        if core.faults:
            if delay := core.faults.take_latency(path):
                await asyncio.sleep(delay)
            fault = core.faults.take(path, FAILURE_KINDS)
        else:
            fault = None
        if fault is not None and fault.kind == FaultKind.DROP:
            if path == UPLOAD_PATH and fault.after_bytes > 0:
                request[DROP_AFTER_KEY] = fault.after_bytes
            else:
                return drop(request)
        elif fault is not None and fault.kind == FaultKind.HTML_ERROR:
            return web.Response(
                status=500, text=HTML_ERROR_PAGE, content_type="text/html"
            )
        elif fault is not None and fault.kind == FaultKind.BUSY:
            return answer(self.core, BUSY)
        try:
            response = await handler(request)
        except RequestError as err:
            response = answer(self.core, err.outcome)
        if (
            fault is not None
            and fault.kind == FaultKind.INVALID_JSON
            and isinstance(response, web.Response)
            and isinstance(response.body, bytes)
        ):
            body = response.body
            # Cut mid-document: what a firmware that died while writing sends.
            broken = web.Response(status=200, body=body[: max(1, len(body) // 2)])
            broken.headers[hdrs.CONTENT_TYPE] = self.core.profile.json_content_type
            return broken
        return response

    async def _run_command(self, action: Callable[[], Awaitable[Outcome]]) -> Outcome:
        """Carry out a command unless another one is in flight (then Busy)."""
        core = self.core
        executed = core.begin_command()
        try:
            if not executed:
                return BUSY
            await asyncio.sleep(core.command_seconds)
            core.tick()
            return await action()
        finally:
            core.end_command(executed=executed)

    # ------------------------------------------------------------- reads

    async def check_code(self, request: web.Request) -> web.Response:
        """Validate the serial number and check code."""
        await self._authorized_body(request)
        return answer(self.core, SUCCESS)

    async def detail(self, request: web.Request) -> web.Response:
        """Return the printer status."""
        await self._authorized_body(request)
        return answer(self.core, SUCCESS, detail=self.core.detail())

    async def product(self, request: web.Request) -> web.Response:
        """Return the controllable features."""
        await self._authorized_body(request)
        return answer(self.core, SUCCESS, product=self.core.tick().product())

    async def gcode_list(self, request: web.Request) -> web.Response:
        """Return the ten most recent files."""
        await self._authorized_body(request)
        recent = self.core.store.recent()
        extra: dict[str, Any] = {"gcodeList": [f.name for f in recent]}
        if self.core.profile.gcode_list_detail:
            extra["gcodeListDetail"] = [
                {
                    "gcodeFileName": f.name,
                    "gcodeToolCnt": len(f.tools),
                    "gcodeToolDatas": [
                        {
                            "filamentWeight": t.weight_g,
                            "materialColor": t.color,
                            "materialName": t.material,
                            "slotId": 0,
                            "toolId": t.tool_id,
                        }
                        for t in f.tools
                    ],
                    "printingTime": f.meta.printing_time_s,
                    "totalFilamentWeight": f.meta.total_weight_g,
                    "useMatlStation": len(f.tools) > 1,
                }
                for f in recent
            ]
        return answer(self.core, SUCCESS, **extra)

    async def gcode_thumb(self, request: web.Request) -> web.Response:
        """Return a stored file's thumbnail as Base64 PNG."""
        body = await self._authorized_body(request)
        name = body.get("fileName")
        if not isinstance(name, str):
            raise bad_request("fileName must be a string")
        stored = self.core.store.files.get(name)
        if stored is None:
            return answer(
                self.core, Outcome(ResponseCode.NOT_FOUND, f"File not found: {name}")
            )
        return answer(
            self.core, SUCCESS, imageData=base64.b64encode(stored.thumbnail).decode()
        )

    async def get_thumb(self, _request: web.Request) -> web.Response:
        """Return the current job's thumbnail as a BMP (no credentials, as the firmware)."""
        state = self.core.tick()
        job = state.job
        stored = self.core.store.files.get(job.file_name) if job else None
        if stored is None:
            return answer(
                self.core, Outcome(ResponseCode.NOT_FOUND, "No print job thumbnail")
            )
        return web.Response(body=png_to_bmp(stored.thumbnail), content_type="image/bmp")

    # ---------------------------------------------------------- commands

    async def control(self, request: web.Request) -> web.Response:
        """Carry out a /control command."""
        body = await self._authorized_body(request)
        payload = body.get("payload")
        if not isinstance(payload, dict) or not isinstance(payload.get("cmd"), str):
            raise bad_request("payload must be an object with a cmd")
        cmd: str = payload["cmd"]
        args = payload.get("args", {})
        self.core.commands.append(
            ReceivedCommand(
                cmd, dict(args) if isinstance(args, dict) else {"args": args}
            )
        )

        async def apply() -> Outcome:
            outcome = self.core.state.apply_command(cmd, args)
            if outcome.ok and cmd == "streamCtrl_cmd":
                await self._on_stream_change()
            return outcome

        return answer(self.core, await self._run_command(apply))

    async def print_gcode(self, request: web.Request) -> web.Response:
        """Start printing a stored file."""
        body = await self._authorized_body(request)
        name = body.get("fileName")
        if not isinstance(name, str) or not name:
            raise bad_request("fileName must be a non-empty string")
        flags: dict[str, bool] = {}
        for key in ("levelingBeforePrint", "flowCalibration", "useMatlStation"):
            value = body.get(key, False)
            if not isinstance(value, bool):
                raise bad_request(f"{key} must be true or false")
            flags[key] = value
        mappings = body.get("materialMappings", [])

        async def start() -> Outcome:
            core = self.core
            stored = core.store.files.get(name)
            if stored is None:
                return Outcome(ResponseCode.NOT_FOUND, f"File not found: {name}")
            outcome = core.state.start_print(
                name,
                stored.meta,
                leveling=flags["levelingBeforePrint"],
                use_matl_station=flags["useMatlStation"],
                tool_count=body.get("gcodeToolCnt", 0),
                mappings=mappings,
            )
            if outcome.ok:
                core.store.touch(name)
            return outcome

        return answer(self.core, await self._run_command(start))
