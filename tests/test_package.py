"""Check the files Home Assistant and HACS read against each other."""

import contextlib
import json
from pathlib import Path
from typing import Any

from awesomeversion import AwesomeVersion
from homeassistant.config_entries import ConfigFlow
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, selector
import pytest
import yaml

from custom_components.flashforge.config_flow import FlashForgeConfigFlow
from custom_components.flashforge.const import DOMAIN
from custom_components.flashforge.discovery import TARGETS_ENVIRONMENT_VARIABLE
from flashforge_emulator import PROFILES

from .conftest import EmulatorFactory
from .integration.conftest import entry_for

ROOT = Path(__file__).parents[1]
INTEGRATION = ROOT / "custom_components" / "flashforge"
MANIFEST = json.loads((INTEGRATION / "manifest.json").read_text())
STRINGS = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
SERVICES = yaml.safe_load((INTEGRATION / "services.yaml").read_text())


def test_manifest() -> None:
    """The manifest has what hassfest requires of a custom integration."""
    assert list(MANIFEST)[:2] == ["domain", "name"]
    assert list(MANIFEST)[2:] == sorted(list(MANIFEST)[2:])
    assert MANIFEST["domain"] == INTEGRATION.name
    assert MANIFEST["config_flow"] is True
    assert MANIFEST["integration_type"] == "device"
    assert MANIFEST["iot_class"] == "local_polling"
    assert MANIFEST["requirements"] == []
    assert MANIFEST["codeowners"]
    assert all(owner.startswith("@") for owner in MANIFEST["codeowners"])
    assert MANIFEST["documentation"].startswith("https://")
    assert MANIFEST["issue_tracker"].startswith("https://")
    assert AwesomeVersion(MANIFEST["version"]).valid


def test_hacs() -> None:
    """hacs.json has only keys HACS knows and a real minimum version."""
    hacs = json.loads((ROOT / "hacs.json").read_text())
    known = {
        "name",
        "content_in_root",
        "zip_release",
        "filename",
        "hide_default_branch",
        "country",
        "homeassistant",
        "render_readme",
        "hacs",
        "persistent_directory",
    }
    assert set(hacs) <= known
    assert hacs["name"] == MANIFEST["name"]
    assert hacs["render_readme"] is True
    assert AwesomeVersion(hacs["homeassistant"]).valid


def test_brand_images() -> None:
    """Home Assistant shows the icon and logo from the brand folder."""
    brand = INTEGRATION / "brand"
    for name in ("icon.png", "icon@2x.png", "logo.png", "logo@2x.png"):
        assert (brand / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name


def test_every_action_and_field_is_described() -> None:
    """services.yaml and the translations name the same actions and fields."""
    assert set(SERVICES) == set(STRINGS["services"])
    for action, spec in SERVICES.items():
        texts = STRINGS["services"][action]
        assert texts["name"]
        assert texts["description"]
        assert set(spec.get("fields", {})) == set(texts["fields"]), action
        for field in texts["fields"].values():
            assert field["name"]
            assert field["description"]


def test_every_action_has_an_icon() -> None:
    """icons.json gives each action an icon, as hassfest asks."""
    icons = json.loads((INTEGRATION / "icons.json").read_text())
    assert set(icons["services"]) == set(SERVICES)


def sorted_everywhere(tree: Any) -> bool:
    """Return whether every object's keys are in sorted order."""
    if not isinstance(tree, dict):
        return True
    return list(tree) == sorted(tree) and all(map(sorted_everywhere, tree.values()))


def test_translation_files_are_sorted_json() -> None:
    """Keys are sorted, as Home Assistant's translation tooling writes them."""
    for path in [
        INTEGRATION / "strings.json",
        *(INTEGRATION / "translations").glob("*.json"),
    ]:
        assert sorted_everywhere(json.loads(path.read_text(encoding="utf-8"))), (
            path.name
        )


# ------------------------------------------------------ what hassfest checks

# The keys hassfest's manifest schema allows a custom integration.
MANIFEST_KEYS = {
    "domain",
    "name",
    "after_dependencies",
    "bluetooth",
    "codeowners",
    "config_flow",
    "dependencies",
    "dhcp",
    "disabled",
    "documentation",
    "homekit",
    "import_executor",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "loggers",
    "mqtt",
    "quality_scale",
    "requirements",
    "single_config_entry",
    "ssdp",
    "usb",
    "version",
    "zeroconf",
}
ICONS = json.loads((INTEGRATION / "icons.json").read_text())
CODE = "\n".join(path.read_text() for path in INTEGRATION.rglob("*.py"))


def test_manifest_has_only_keys_hassfest_knows() -> None:
    """An unknown manifest key fails hassfest."""
    assert set(MANIFEST) <= MANIFEST_KEYS, set(MANIFEST) - MANIFEST_KEYS


def test_every_field_has_a_valid_selector_and_every_icon_is_mdi() -> None:
    """The action forms need a selector per field; icons name MDI icons."""
    for action, spec in SERVICES.items():
        for field, options in spec.get("fields", {}).items():
            assert selector.validate_selector(options["selector"]), (action, field)
        assert ICONS["services"][action]["service"].startswith("mdi:"), action


def test_every_exception_and_issue_text_is_used() -> None:
    """strings.json carries no exception or repair text the code never names."""
    for section in ("exceptions", "issues"):
        unused = {key for key in STRINGS[section] if f'"{key}"' not in CODE}
        assert not unused, (section, unused)


def test_options_texts_only_with_an_options_flow() -> None:
    """The translations describe an options form only when the flow offers one."""
    has_options_flow = (
        FlashForgeConfigFlow.async_get_options_flow
        is not ConfigFlow.async_get_options_flow
    )
    assert ("options" in STRINGS) == has_options_flow


@pytest.fixture
def no_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep discovery off the real network."""
    monkeypatch.setenv(TARGETS_ENVIRONMENT_VARIABLE, "")


@pytest.mark.usefixtures("no_discovery")
async def test_entity_translation_keys_match_the_entities(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """Every model's entities have texts, and every text and icon has an entity."""
    async with contextlib.AsyncExitStack() as printers:
        for model in PROFILES:
            emulator = await printers.enter_async_context(emulator_factory(model))
            # Each as the flow adds it: with its TCP port, or TCP only.
            entry = entry_for(emulator, extras=True)
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        registered = set(hass.services.async_services_for_domain(DOMAIN))
        used = {
            (entity.domain, entity.translation_key)
            for entity in entity_registry.entities.values()
            if entity.platform == DOMAIN
        }
        for entry in hass.config_entries.async_entries(DOMAIN):
            assert await hass.config_entries.async_unload(entry.entry_id)

    described = {
        (platform, key) for platform, keys in STRINGS["entity"].items() for key in keys
    }
    with_icons = {
        (platform, key) for platform, keys in ICONS["entity"].items() for key in keys
    }
    assert used == described
    assert with_icons <= used, with_icons - used
    assert registered == set(SERVICES)


# ---------------------------------------------------------------- GitHub

GITHUB = ROOT / ".github"
GITHUB_YAML = sorted(
    [*GITHUB.rglob("*.yml"), *GITHUB.rglob("*.yaml")],
    key=str,
)


def load(path: Path) -> dict[Any, Any]:
    """Return a YAML file's mapping."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


@pytest.mark.parametrize(
    "path", GITHUB_YAML, ids=[str(p.relative_to(GITHUB)) for p in GITHUB_YAML]
)
def test_github_yaml_parses(path: Path) -> None:
    """Each workflow, template and configuration under .github is valid YAML."""
    assert load(path)


def workflow_steps() -> list[dict[str, Any]]:
    """Return every step of every workflow, checking each job's shape."""
    steps: list[dict[str, Any]] = []
    for path in (GITHUB / "workflows").glob("*.yml"):
        workflow = load(path)
        # YAML 1.1 reads the bare key `on` as true.
        assert workflow.get(True) or workflow.get("on"), path.name
        for name, job in workflow["jobs"].items():
            assert job["runs-on"] == "ubuntu-latest", (path.name, name)
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), (path.name, step)
            steps.extend(job["steps"])
    return steps


def test_workflows_run_hassfest_hacs_and_the_tests() -> None:
    """CI validates the integration as Home Assistant and HACS do and tests it."""
    steps = workflow_steps()
    uses = {step["uses"].split("@")[0]: step for step in steps if "uses" in step}

    assert "home-assistant/actions/hassfest" in uses
    assert uses["hacs/action"]["with"]["category"] == "integration"
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.14"
    assert "scripts/test" in [step.get("run") for step in steps]
    assert (ROOT / "scripts" / "test").stat().st_mode & 0o111


def test_bug_report_asks_for_diagnostics_model_and_firmware() -> None:
    """The bug report form requires what it takes to reproduce a problem."""
    templates = {
        path.stem: load(path) for path in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml")
    }
    for name, template in templates.items():
        if name == "config":
            continue
        assert template["name"]
        assert template["description"]
        ids = [item["id"] for item in template["body"] if "id" in item]
        assert len(ids) == len(set(ids)), name
    required = {
        item["id"]
        for item in templates["bug_report"]["body"]
        if item.get("validations", {}).get("required")
    }
    assert {"diagnostics", "model", "firmware"} <= required
    assert "feature_request" in templates


def test_dependabot_watches_the_pinned_requirements() -> None:
    """Dependabot proposes updates of the pins in the requirements files."""
    config = load(GITHUB / "dependabot.yml")
    ecosystems = {(u["package-ecosystem"], u["directory"]) for u in config["updates"]}

    assert config["version"] == 2
    assert ("pip", "/") in ecosystems
    for requirements in ROOT.glob("requirements*.txt"):
        pins = [
            line
            for line in requirements.read_text().splitlines()
            if line and not line.startswith(("#", "-r"))
        ]
        assert all("==" in line for line in pins), requirements.name


def test_license_is_mit_and_named_in_the_readme() -> None:
    """HACS refuses a repository without a license."""
    license_text = (ROOT / "LICENSE").read_text()
    readme = (ROOT / "README.md").read_text()

    assert license_text.startswith("MIT License")
    assert "2026 FlashForge for Home Assistant contributors" in license_text
    assert "## License" in readme
    assert "[MIT license](LICENSE)" in readme
