"""Tests of dev/prepare_config.py: the dev instance's port and integrations."""

import json
from pathlib import Path
from typing import Any

from homeassistant.components.http.config import async_load_config
from homeassistant.config import load_yaml_config_file
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

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
