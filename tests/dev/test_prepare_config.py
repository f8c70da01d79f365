"""Tests of dev/prepare_config.py: the dev instance's port, integrations, camera ports."""

import json
from pathlib import Path
from typing import Any

from homeassistant import config_entries
from homeassistant.components.http.config import async_load_config
from homeassistant.config import load_yaml_config_file
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.flashforge.const import (
    CONF_CAMERA_PORT,
    CONF_CHECK_CODE,
    CONF_SERIAL_NUMBER,
    CONF_TCP_PORT,
    DOMAIN,
)
from dev.prepare_config import main

# What scripts/develop wrote into configuration.yaml before this script: Home
# Assistant moved it into .storage/http on the first start and ignored it after.
OLD_CONFIGURATION = """\
homeassistant:
  name: FlashForge dev
frontend:
http:
  server_host: 127.0.0.1
  server_port: 8123
"""


async def start_http(
    hass: HomeAssistant, hass_storage: dict[str, Any], config: Path
) -> int:
    """Load the folder's HTTP settings as Home Assistant does; return the port."""
    hass_storage["http"] = json.loads((config / ".storage" / "http").read_text())
    yaml = await hass.async_add_executor_job(
        load_yaml_config_file, str(config / "configuration.yaml")
    )
    conf = await async_load_config(hass, yaml)
    port: int = conf["server_port"]
    return port


@pytest.mark.parametrize("ports", [[8123], [8123, 8124], [28123, 8123, 28124]])
async def test_port_holds_on_every_run(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
    ports: list[int],
) -> None:
    """Each run's port is the one Home Assistant binds, and no repair is raised."""
    config = tmp_path / "config"
    for port in ports:
        assert main(["--config", str(config), "--port", str(port)]) == 0

        assert await start_http(hass, hass_storage, config) == port
        # A new Home Assistant reads the store again on its next start.
        hass.data.pop("http", None)
    assert not [i for i in issue_registry.issues.values() if i.domain == "http"]


async def test_folder_from_before_gets_the_new_port(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
    tmp_path: Path,
) -> None:
    """A folder whose http: YAML Home Assistant migrated follows HASS_PORT."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "configuration.yaml").write_text(OLD_CONFIGURATION)
    yaml = load_yaml_config_file(str(config / "configuration.yaml"))
    assert (await async_load_config(hass, yaml))["server_port"] == 8123
    hass.data.pop("http")
    (config / ".storage").mkdir()
    (config / ".storage" / "http").write_text(json.dumps(hass_storage["http"]))

    main(["--config", str(config), "--port", "8124"])

    assert await start_http(hass, hass_storage, config) == 8124
    assert not [i for i in issue_registry.issues.values() if i.domain == "http"]


def test_history_and_activity_are_loaded(tmp_path: Path) -> None:
    """The recorder, history and logbook are set up; http comes from storage."""
    config = tmp_path / "config"
    config.mkdir()
    (config / "configuration.yaml").write_text(OLD_CONFIGURATION)

    main(["--config", str(config), "--port", "8123"])

    yaml = load_yaml_config_file(str(config / "configuration.yaml"))
    assert {"recorder", "history", "logbook", "frontend"} <= set(yaml)
    assert "http" not in yaml
    assert (config / "custom_components" / "flashforge" / "manifest.json").is_file()
    assert (config / ".storage" / "http").stat().st_mode & 0o077 == 0


def test_onboarding_is_written_once(tmp_path: Path) -> None:
    """An onboarding Home Assistant has moved on is left alone."""
    config = tmp_path / "config"
    main(["--config", str(config), "--port", "8123"])
    onboarding = config / ".storage" / "onboarding"
    assert '"core_config"' in onboarding.read_text()
    onboarding.write_text('{"data": {"done": ["user"]}}')

    main(["--config", str(config), "--port", "8123"])

    assert onboarding.read_text() == '{"data": {"done": ["user"]}}'


def store_of(*entries: MockConfigEntry) -> dict[str, Any]:
    """Return .storage/core.config_entries as Home Assistant writes it."""
    return {
        "version": 1,
        "minor_version": 5,
        "key": "core.config_entries",
        "data": {"entries": [json.loads(json.dumps(e.as_dict())) for e in entries]},
    }


def tcp_entry(tcp_port: int, **extra: Any) -> MockConfigEntry:
    """Return a TCP-only printer's entry, as the config flow makes it."""
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id=f"SN{tcp_port}",
        data={
            CONF_HOST: "127.0.0.1",
            CONF_SERIAL_NUMBER: f"SN{tcp_port}",
            CONF_TCP_PORT: tcp_port,
            **extra,
        },
    )


def write_store(config: Path, store: dict[str, Any]) -> Path:
    """Write the store into the folder; return its path."""
    path = config / ".storage" / "core.config_entries"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(store))
    return path


CAMERA_ARGS = ["--camera", "127.0.0.1:9901:8902", "--camera", "127.0.0.1:9902:8905"]


async def test_camera_ports_reach_the_entries(
    hass: HomeAssistant, hass_storage: dict[str, Any], tmp_path: Path
) -> None:
    """Each TCP-only printer gets its camera's port; nothing else changes."""
    config = tmp_path / "config"
    http = MockConfigEntry(
        domain=DOMAIN,
        unique_id="SNHTTP",
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: 8898,
            CONF_SERIAL_NUMBER: "SNHTTP",
            CONF_CHECK_CODE: "12345678",
            CONF_TCP_PORT: 9901,
        },
    )
    other = MockConfigEntry(domain="other", data={CONF_HOST: "127.0.0.1"})
    stale = tcp_entry(9902, **{CONF_CAMERA_PORT: 8080})
    path = write_store(config, store_of(http, tcp_entry(9901), stale, other))

    assert main(["--config", str(config), "--port", "8123", *CAMERA_ARGS]) == 0

    # Home Assistant reads them on its next start.
    hass_storage["core.config_entries"] = json.loads(path.read_text())
    entries = config_entries.ConfigEntries(hass, {})
    await entries.async_initialize()
    data = {entry.unique_id: dict(entry.data) for entry in entries.async_entries()}
    assert data["SN9901"][CONF_CAMERA_PORT] == 8902
    assert data["SN9902"][CONF_CAMERA_PORT] == 8905
    assert data["SNHTTP"] == dict(http.data)
    assert data[None] == dict(other.data)
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("entries", "before", "after"),
    [
        # Right after bootstrap added them: the ports are not written yet.
        ([tcp_entry(9901), tcp_entry(9902)], 3, 0),
        # A printer not added (or not saved) yet stays due until it is.
        ([tcp_entry(9901, **{CONF_CAMERA_PORT: 8902})], 3, 3),
        ([], 3, 3),
        (
            [
                tcp_entry(9901, **{CONF_CAMERA_PORT: 8902}),
                tcp_entry(9902, **{CONF_CAMERA_PORT: 8905}),
            ],
            0,
            0,
        ),
    ],
)
def test_check_cameras_tells_whether_a_restart_is_due(
    tmp_path: Path, entries: list[MockConfigEntry], before: int, after: int
) -> None:
    """--check-cameras exits 3 while a port is missing, and writes nothing."""
    config = tmp_path / "config"
    path = write_store(config, store_of(*entries))
    stored = path.read_text()
    argv = ["--config", str(config), "--port", "8123", *CAMERA_ARGS]

    assert main([*argv, "--check-cameras"]) == before
    assert path.read_text() == stored
    assert not (config / "configuration.yaml").exists()

    main(argv)  # Home Assistant stopped: the ports are written.
    assert main([*argv, "--check-cameras"]) == after


def test_no_cameras_no_store(tmp_path: Path) -> None:
    """Without TCP-only printers, Home Assistant's store is not touched."""
    config = tmp_path / "config"

    assert main(["--config", str(config), "--port", "8123"]) == 0
    assert main(["--config", str(config), "--port", "8123", "--check-cameras"]) == 0

    assert not (config / ".storage" / "core.config_entries").exists()


@pytest.mark.parametrize("spec", ["127.0.0.1:9901", "127.0.0.1:x:8902", ""])
def test_camera_refuses_malformed_values(
    spec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed --camera ends the script, naming the value."""
    with pytest.raises(SystemExit):
        main(["--config", "c", "--port", "8123", "--camera", spec])

    assert "is not HOST:TCP_PORT:CAMERA_PORT" in capsys.readouterr().err
