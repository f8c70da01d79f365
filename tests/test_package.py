"""Check the files Home Assistant and HACS read against each other."""

import json
from pathlib import Path
from typing import Any

from awesomeversion import AwesomeVersion
import yaml

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
