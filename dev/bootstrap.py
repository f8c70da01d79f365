"""Set up a fresh Home Assistant dev instance through its own APIs.

Run by scripts/develop while Home Assistant is starting: waits for it,
creates the owner account (onboarding), adds the emulated printers through
the config flow and saves a dashboard showing them. Idempotent: steps
already done are skipped, so it can run again after an interruption or with
more printers.

    python dev/bootstrap.py --url http://127.0.0.1:8123 \
        --printer 127.0.0.1:8898:SNFFEMU00001:12345678:9899 \
        --tcp-printer 127.0.0.1:9900:8901 [--printer ... --tcp-printer ...]

A printer with the HTTP API is typed in with its serial number and check
code (and the port of its TCP API, where it has one); a printer that speaks
only TCP by its address alone, as a user adds an Adventurer 3 or 4. As the
emulated printers share one address, each has its own ports, and a TCP-only
printer's HTTP port is one nothing serves, so the config flow finds only TCP.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
import json
import sys
import time
from typing import Any

import aiohttp

DOMAIN = "flashforge"
DASHBOARD = "flashforge-printers"
# What the config flow's form holds when a field is left as it is.
DEFAULT_PORT = 8898
DEFAULT_TCP_PORT = 8899


@dataclass(frozen=True, slots=True)
class PrinterSpec:
    """A printer as the user types it into the config flow's form."""

    host: str
    port: int = DEFAULT_PORT
    tcp_port: int = DEFAULT_TCP_PORT
    serial_number: str | None = None
    check_code: str | None = None

    @property
    def label(self) -> str:
        """Return what the progress lines call the printer."""
        if self.serial_number:
            return f"{self.serial_number} at {self.host}:{self.port}"
        return f"the TCP printer at {self.host}:{self.tcp_port}"

    def form(self) -> dict[str, Any]:
        """Return the user step's input: only what a user would type."""
        typed: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "tcp_port": self.tcp_port,
        }
        if self.serial_number and self.check_code:
            typed |= {
                "serial_number": self.serial_number,
                "check_code": self.check_code,
            }
        return typed


def _port(text: str, spec: str) -> int:
    """Return a port number of a --printer/--tcp-printer value."""
    try:
        port = int(text)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} in {spec!r} is no port number")
    return port


def http_printer(spec: str) -> PrinterSpec:
    """Parse HOST:PORT:SERIAL:CHECK_CODE[:TCP_PORT], a printer with the HTTP API."""
    fields = spec.split(":")
    if len(fields) not in (4, 5) or not all(fields):
        raise argparse.ArgumentTypeError(
            f"{spec!r} is not HOST:PORT:SERIAL:CHECK_CODE[:TCP_PORT]"
        )
    host, port, serial_number, check_code, *tcp = fields
    return PrinterSpec(
        host=host,
        port=_port(port, spec),
        tcp_port=_port(tcp[0], spec) if tcp else DEFAULT_TCP_PORT,
        serial_number=serial_number,
        check_code=check_code,
    )


def tcp_printer(spec: str) -> PrinterSpec:
    """Parse HOST[:TCP_PORT[:PORT]], a printer that speaks only the TCP API."""
    fields = spec.split(":")
    if not 1 <= len(fields) <= 3 or not all(fields):
        raise argparse.ArgumentTypeError(f"{spec!r} is not HOST[:TCP_PORT[:PORT]]")
    host, *ports = fields
    return PrinterSpec(
        host=host,
        tcp_port=_port(ports[0], spec) if ports else DEFAULT_TCP_PORT,
        port=_port(ports[1], spec) if len(ports) > 1 else DEFAULT_PORT,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--name", default="Developer")
    parser.add_argument("--username", default="dev")
    parser.add_argument("--password", default="flashforge")
    parser.add_argument(
        "--printer",
        dest="printers",
        type=http_printer,
        action="append",
        default=[],
        metavar="HOST:PORT:SERIAL:CHECK_CODE[:TCP_PORT]",
        help="a printer with the HTTP API to add (repeat for more)",
    )
    parser.add_argument(
        "--tcp-printer",
        dest="printers",
        type=tcp_printer,
        action="append",
        metavar="HOST[:TCP_PORT[:PORT]]",
        help="a printer that speaks only TCP, added by its address (PORT: where"
        " the form looks for an HTTP API, one nothing serves)",
    )
    parser.add_argument("--timeout", type=float, default=300.0)
    return parser.parse_args(argv)


def log(message: str) -> None:
    """Print a progress line."""
    sys.stdout.write(f"bootstrap: {message}\n")
    sys.stdout.flush()


class Bootstrap:
    """Talks to one Home Assistant instance."""

    def __init__(
        self, session: aiohttp.ClientSession, args: argparse.Namespace
    ) -> None:
        """Remember where Home Assistant is and who to be."""
        self.session = session
        self.args = args
        self.url = args.url.rstrip("/")
        self.client_id = f"{self.url}/"
        self.token = ""

    # ------------------------------------------------------------- helpers

    async def request(
        self, method: str, path: str, *, json_body: Any = None, data: Any = None
    ) -> tuple[int, Any]:
        """Send one request; return the status and the decoded answer."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.request(
            method, self.url + path, json=json_body, data=data, headers=headers
        ) as resp:
            text = await resp.text()
            try:
                return resp.status, json.loads(text) if text else None
            except json.JSONDecodeError:
                return resp.status, text

    async def wait_until_up(self) -> list[dict[str, Any]]:
        """Wait for the onboarding API, which answers once HTTP is up."""
        deadline = time.monotonic() + self.args.timeout
        while True:
            try:
                status, body = await self.request("GET", "/api/onboarding")
                if status == 200 and isinstance(body, list):
                    return body
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("Home Assistant did not come up")
            await asyncio.sleep(1)

    # --------------------------------------------------------------- steps

    async def onboard(self, steps: list[dict[str, Any]]) -> None:
        """Create the owner account unless it exists, then log in."""
        done = {step["step"] for step in steps if step["done"]}
        if "user" not in done:
            status, body = await self.request(
                "POST",
                "/api/onboarding/users",
                json_body={
                    "name": self.args.name,
                    "username": self.args.username,
                    "password": self.args.password,
                    "client_id": self.client_id,
                    "language": "en",
                },
            )
            if status != 200:
                raise RuntimeError(f"creating the user failed: {status} {body}")
            log(f"created the owner account {self.args.username!r}")
            await self.exchange(body["auth_code"])
        else:
            await self.login()
        # dev/prepare_config.py marks the other onboarding steps done in
        # .storage/onboarding before the first start: their API would set up
        # integrations that need the internet.

    async def exchange(self, code: str) -> None:
        """Trade an authorization code for an access token."""
        status, body = await self.request(
            "POST",
            "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
        )
        if status != 200:
            raise RuntimeError(f"getting a token failed: {status} {body}")
        self.token = body["access_token"]

    async def login(self) -> None:
        """Log in with the username and password, as the login page does."""
        status, flow = await self.request(
            "POST",
            "/auth/login_flow",
            json_body={
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.client_id,
            },
        )
        if status != 200:
            raise RuntimeError(f"starting the login failed: {status} {flow}")
        status, result = await self.request(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            json_body={
                "client_id": self.client_id,
                "username": self.args.username,
                "password": self.args.password,
            },
        )
        if status != 200 or result.get("type") != "create_entry":
            raise RuntimeError(f"logging in failed: {status} {result}")
        await self.exchange(result["result"])

    async def add_printers(self) -> None:
        """Add each printer through the config flow, as the user would type it.

        A printer already added ends the flow as already configured, which
        also moves its entry to the address and ports given here.
        """
        for printer in self.args.printers:
            status, flow = await self.request(
                "POST",
                "/api/config/config_entries/flow",
                json_body={"handler": DOMAIN, "show_advanced_options": False},
            )
            if status != 200:
                raise RuntimeError(f"starting the config flow failed: {status} {flow}")
            status, result = await self.request(
                "POST",
                f"/api/config/config_entries/flow/{flow['flow_id']}",
                json_body=printer.form(),
            )
            if status == 200 and result.get("reason") == "already_configured":
                continue
            if status != 200 or result.get("type") != "create_entry":
                raise RuntimeError(f"adding {printer.label} failed: {status} {result}")
            log(f"added {result.get('title')!r}: {printer.label}")

    async def save_dashboard(self) -> None:
        """Save the default dashboard, built from the printers' entities."""
        async with self.session.ws_connect(self.url + "/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.token})
            answer = await ws.receive_json()
            if answer.get("type") != "auth_ok":
                raise RuntimeError(f"websocket auth failed: {answer}")
            ids = iter(range(1, 1_000_000))

            async def call(payload: dict[str, Any]) -> Any:
                msg_id = next(ids)
                await ws.send_json({"id": msg_id, **payload})
                while True:
                    msg = await ws.receive_json()
                    if msg.get("id") == msg_id:
                        if not msg.get("success"):
                            raise RuntimeError(f"{payload['type']} failed: {msg}")
                        return msg.get("result")

            devices, entities = await self.wait_for_entities(call)
            config = build_dashboard(devices, entities)
            dashboards = await call({"type": "lovelace/dashboards/list"})
            if not any(d.get("url_path") == DASHBOARD for d in dashboards):
                await call(
                    {
                        "type": "lovelace/dashboards/create",
                        "url_path": DASHBOARD,
                        "title": "Printers",
                        "icon": "mdi:printer-3d",
                        "show_in_sidebar": True,
                        "require_admin": False,
                        "mode": "storage",
                    }
                )
            await call(
                {
                    "type": "lovelace/config/save",
                    "url_path": DASHBOARD,
                    "config": config,
                }
            )
            log(f"saved the dashboard ({len(devices)} printer(s))")
            # Open on it, rather than on the generated overview.
            core = await call({"type": "frontend/get_system_data", "key": "core"})
            value = (core or {}).get("value") or {}
            await call(
                {
                    "type": "frontend/set_system_data",
                    "key": "core",
                    "value": {**value, "default_panel": DASHBOARD},
                }
            )

    async def wait_for_entities(
        self, call: Any
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Wait until every printer's device has its entities."""
        deadline = time.monotonic() + 60
        while True:
            devices = [
                device
                for device in await call({"type": "config/device_registry/list"})
                if any(ident[0] == DOMAIN for ident in device["identifiers"])
                and device.get("via_device_id") is None
            ]
            entities = [
                entity
                for entity in await call({"type": "config/entity_registry/list"})
                if entity.get("platform") == DOMAIN
            ]
            with_entities = {entity["device_id"] for entity in entities}
            if len(devices) >= len(self.args.printers) and all(
                device["id"] in with_entities for device in devices
            ):
                return devices, entities
            if time.monotonic() > deadline:
                return devices, entities
            await asyncio.sleep(1)


# ------------------------------------------------------------------ dashboard

# The print's tiles, in this order; the file name gets a whole row.
PRINT_TILES = (
    "status",
    "progress",
    "time_remaining",
    "print_start_time",
    "print_end_time",
    "file_name",
    "current_layer",
    "total_layers",
)
WIDE_TILES = {"file_name"}
BUTTONS = ("pause", "resume", "cancel", "clear_platform", "home")
CONTROL_DOMAINS = ("light", "switch", "fan", "number", "select")


def _shown(entities: list[dict[str, Any]], domain: str) -> list[dict[str, Any]]:
    """Return a domain's enabled entities that are no diagnostics or settings."""
    return [
        entity
        for entity in entities
        if entity["entity_id"].split(".", 1)[0] == domain
        and not entity.get("disabled_by")
        and not entity.get("entity_category")
    ]


def _by_key(
    entities: list[dict[str, Any]], domain: str, *keys: str
) -> list[dict[str, Any]]:
    """Return a domain's shown entities with these translation keys, in key order."""
    shown = _shown(entities, domain)
    return [e for key in keys for e in shown if e.get("translation_key") == key]


def _label(entity: dict[str, Any]) -> str:
    """Return the entity's own name, without its printer's: what it shows.

    The device's main entity (the status) has none: its key says what it shows.
    """
    name: str | None = entity.get("name") or entity.get("original_name")
    key: str = entity.get("translation_key") or entity["entity_id"].split(".", 1)[1]
    return name or key.replace("_", " ").capitalize()


def _tile(entity: dict[str, Any]) -> dict[str, Any]:
    """Return a tile card named by what it shows."""
    card: dict[str, Any] = {
        "type": "tile",
        "entity": entity["entity_id"],
        "name": _label(entity),
    }
    if entity.get("translation_key") in WIDE_TILES:
        card["grid_options"] = {"columns": 12}
    return card


def _printer_cards(
    entities: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Return one printer's picture, print and control cards."""
    pictures: list[dict[str, Any]] = [
        {
            "type": "picture-entity",
            "entity": camera["entity_id"],
            "camera_view": "auto",
            "show_state": False,
            "show_name": False,
        }
        for camera in _shown(entities, "camera")[:1]
    ]
    pictures.extend(
        {
            "type": "picture-entity",
            "entity": image["entity_id"],
            "show_state": False,
            "name": _label(image),
        }
        for image in _by_key(entities, "image", "thumbnail")
    )

    print_cards = [
        _tile(entity) for entity in _by_key(entities, "sensor", *PRINT_TILES)
    ]
    temperatures = [
        {"entity": entity["entity_id"], "name": _label(entity)}
        for entity in _shown(entities, "sensor")
        if (entity.get("translation_key") or "").endswith("temperature")
        and "target" not in (entity.get("translation_key") or "")
    ]
    if temperatures:
        # A graph, so the dashboard shows the recorded history too.
        print_cards.append(
            {
                "type": "history-graph",
                "title": "Temperatures",
                "hours_to_show": 1,
                "entities": temperatures,
            }
        )
    events = _by_key(entities, "event", "print")
    if events:
        print_cards.append(
            {
                "type": "logbook",
                "title": "Print events",
                "hours_to_show": 24,
                "target": {"entity_id": [e["entity_id"] for e in events]},
            }
        )

    controls: list[dict[str, Any]] = [
        _tile(light) for light in _shown(entities, "light")
    ]
    buttons = _by_key(entities, "button", *BUTTONS)
    if buttons:
        controls.append(
            {
                "type": "grid",
                "columns": 2,
                "square": False,
                "cards": [
                    {
                        "type": "button",
                        "entity": button["entity_id"],
                        "name": _label(button),
                        "show_state": False,
                        "tap_action": {
                            "action": "perform-action",
                            "perform_action": "button.press",
                            "target": {"entity_id": button["entity_id"]},
                        },
                    }
                    for button in buttons
                ],
            }
        )
    rows = [
        {"entity": entity["entity_id"], "name": _label(entity)}
        for domain in CONTROL_DOMAINS[1:]
        for entity in _shown(entities, domain)
    ]
    if rows:
        controls.append(
            {
                "type": "entities",
                "title": "Controls",
                "show_header_toggle": False,
                "entities": rows,
            }
        )
    return pictures, print_cards, controls


def build_dashboard(
    devices: list[dict[str, Any]], entities: list[dict[str, Any]]
) -> dict[str, Any]:
    """Return a sections dashboard: one printer over three columns, or one each."""
    sections: list[dict[str, Any]] = []
    for device in sorted(
        devices, key=lambda d: d.get("name_by_user") or d["name"] or ""
    ):
        mine = [e for e in entities if e["device_id"] == device["id"]]
        name = device.get("name_by_user") or device["name"]
        heading = {"type": "heading", "heading": name, "heading_style": "title"}
        pictures, print_cards, controls = _printer_cards(mine)
        if len(devices) == 1:
            sections.extend(
                [
                    {"type": "grid", "cards": [heading, *pictures]},
                    {
                        "type": "grid",
                        "cards": [
                            {"type": "heading", "heading": "Print"},
                            *print_cards,
                        ],
                    },
                    {
                        "type": "grid",
                        "cards": [
                            {"type": "heading", "heading": "Controls"},
                            *controls,
                        ],
                    },
                ]
            )
        else:
            sections.append(
                {"type": "grid", "cards": [heading, *pictures, *print_cards, *controls]}
            )
    return {
        "title": "FlashForge",
        "views": [
            {
                "title": "Printers",
                "path": "printers",
                "type": "sections",
                "max_columns": max(1, min(4, len(sections))),
                "sections": sections,
            }
        ],
    }


async def main(argv: list[str] | None = None) -> int:
    """Run every step."""
    args = parse_args(argv)
    async with aiohttp.ClientSession() as session:
        boot = Bootstrap(session, args)
        steps = await boot.wait_until_up()
        await boot.onboard(steps)
        await boot.add_printers()
        await boot.save_dashboard()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(asyncio.run(main()))
    except (RuntimeError, TimeoutError) as err:
        sys.stderr.write(f"bootstrap: error: {err}\n")
        sys.exit(1)
