"""Write the dev instance's configuration folder before every start.

Run by scripts/develop before Home Assistant starts. It rewrites
configuration.yaml and the HTTP settings on every run, so a changed
HASS_PORT and a newer configuration reach an existing folder too, and it
marks the onboarding steps that would need the internet as done once.

    python dev/prepare_config.py --config .dev/config --port 8123 \
        [--camera 127.0.0.1:9901:8902 ...] [--check-cameras]

--camera gives a printer that speaks only TCP, known by its address and TCP
port, its camera's port. A real one streams on port 8080, and no form asks
for another; the emulated farm shares one address, so each camera has its
own port, written into the printer's config entry while Home Assistant is
stopped. --check-cameras writes nothing and exits 3 while an entry still
misses its camera's port (the printer was added since Home Assistant started).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
import sys
from typing import Any

from homeassistant.components.http.config import (
    HTTP_STORAGE_SCHEMA,
    KEY_PENDING,
    KEY_STABLE,
    KEY_YAML_MIGRATION_DONE,
    STORAGE_KEY,
    STORAGE_MINOR_VERSION,
    STORAGE_VERSION,
)
from homeassistant.util import dt as dt_util

REPOSITORY = Path(__file__).resolve().parents[1]

# The integrations the demo shows, without default_config's long list of
# requirements that Home Assistant would otherwise install on first start.
# No http: section: Home Assistant moves it into .storage/http once, ignores
# it from then on and raises a repair about it; write_http_settings sets the
# port there instead.
CONFIGURATION = """\
# Written by scripts/develop (dev/prepare_config.py) on every start:
# changes made here are lost.
homeassistant:
  name: FlashForge dev
  unit_system: metric
  time_zone: UTC
  country: DE
  currency: EUR
  language: en

frontend:
config:
person:
# History graphs in more-info dialogs, the History page and the Activity
# (logbook) page with the printers' print events; SQLite needs no server.
recorder:
  purge_keep_days: 7
history:
logbook:

logger:
  default: info
  logs:
    custom_components.flashforge: debug
"""

# All onboarding steps but the account: dev/bootstrap.py creates that
# through the onboarding API. Finishing the others through the API would set
# up integrations (weather, radio, text to speech) that need the internet.
ONBOARDING: dict[str, Any] = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["core_config", "analytics", "integration"]},
}


# Home Assistant's store of config entries, and the integration's keys in an
# entry's data (custom_components/flashforge/const.py).
CONFIG_ENTRIES = "core.config_entries"
DOMAIN = "flashforge"
CONF_HOST = "host"
CONF_TCP_PORT = "tcp_port"
CONF_CAMERA_PORT = "camera_port"
CONF_CHECK_CODE = "check_code"
CAMERAS_PENDING = 3

type Cameras = dict[tuple[str, int], int]


def camera_spec(spec: str) -> tuple[str, int, int]:
    """Parse HOST:TCP_PORT:CAMERA_PORT."""
    try:
        host, tcp_port, camera_port = spec.split(":")
        return host, int(tcp_port), int(camera_port)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{spec!r} is not HOST:TCP_PORT:CAMERA_PORT"
        ) from None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--camera",
        type=camera_spec,
        action="append",
        default=[],
        metavar="HOST:TCP_PORT:CAMERA_PORT",
        help="a TCP-only printer's camera port (repeat for more)",
    )
    parser.add_argument(
        "--check-cameras",
        action="store_true",
        help=f"write nothing; exit {CAMERAS_PENDING} while a camera port is missing",
    )
    return parser.parse_args(argv)


def http_settings(host: str, port: int) -> dict[str, Any]:
    """Return .storage/http holding one confirmed setting: host and port."""
    stable = {
        **HTTP_STORAGE_SCHEMA({"server_host": [host], "server_port": port}),
        "created_at": dt_util.utcnow().isoformat(),
        "error": None,
        "error_message": None,
    }
    return {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": STORAGE_KEY,
        "data": {
            KEY_STABLE: stable,
            KEY_PENDING: None,
            KEY_YAML_MIGRATION_DONE: True,
        },
    }


def write_private(path: Path, text: str) -> None:
    """Replace a file readable by its owner only, as Home Assistant's storage is."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    temporary.replace(path)


def prepare(config: Path, host: str, port: int) -> None:
    """Write everything Home Assistant reads at start-up from the folder."""
    storage = config / ".storage"
    storage.mkdir(parents=True, exist_ok=True)
    (config / "custom_components").mkdir(exist_ok=True)
    link = config / "custom_components" / "flashforge"
    target = REPOSITORY / "custom_components" / "flashforge"
    if not link.is_symlink() or link.readlink() != target:
        link.unlink(missing_ok=True)
        link.symlink_to(target, target_is_directory=True)
    (config / "configuration.yaml").write_text(CONFIGURATION, encoding="utf-8")
    write_private(
        storage / STORAGE_KEY, json.dumps(http_settings(host, port), indent=2)
    )
    onboarding = storage / "onboarding"
    if not onboarding.exists():
        write_private(onboarding, json.dumps(ONBOARDING, indent=2))


def set_camera_ports(config: Path, cameras: Cameras, *, write: bool = True) -> bool:
    """Give TCP-only entries their camera's port; return whether one lacked it.

    An entry missing from the store (not added yet, or not saved yet) counts
    as lacking it, so a check right after adding the printers asks for the
    restart that writes it.
    """
    path = config / ".storage" / CONFIG_ENTRIES
    store: dict[str, Any] = (
        json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    )
    missing = set(cameras)
    changed = False
    for entry in store.get("data", {}).get("entries", []):
        data = entry.get("data", {})
        key = (data.get(CONF_HOST), data.get(CONF_TCP_PORT))
        if entry.get("domain") != DOMAIN or CONF_CHECK_CODE in data:
            continue
        if key not in cameras:
            continue
        missing.discard(key)
        if data.get(CONF_CAMERA_PORT) != cameras[key]:
            data[CONF_CAMERA_PORT] = cameras[key]
            changed = True
    if changed and write:
        write_private(path, json.dumps(store, indent=2))
    return changed or bool(missing)


def main(argv: list[str] | None = None) -> int:
    """Prepare the folder named on the command line."""
    args = parse_args(argv)
    cameras = {(host, tcp): camera for host, tcp, camera in args.camera}
    if args.check_cameras:
        pending = set_camera_ports(args.config, cameras, write=False)
        return CAMERAS_PENDING if pending else 0
    prepare(args.config, args.host, args.port)
    set_camera_ports(args.config, cameras)
    return 0


if __name__ == "__main__":
    sys.exit(main())
