"""Write the dev instance's configuration folder before every start.

Run by scripts/develop before Home Assistant starts. It rewrites
configuration.yaml and the HTTP settings on every run, so a changed
HASS_PORT and a newer configuration reach an existing folder too, and it
marks the onboarding steps that would need the internet as done once.

    python dev/prepare_config.py --config .dev/config --port 8123
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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
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


def main(argv: list[str] | None = None) -> int:
    """Prepare the folder named on the command line."""
    args = parse_args(argv)
    prepare(args.config, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
