"""Check quality_scale.yaml against the installed Home Assistant's quality scale."""

import json
from pathlib import Path
from typing import Any

import homeassistant.components
import pytest
import yaml

ROOT = Path(__file__).parents[1]
OURS: dict[str, Any] = yaml.safe_load(
    (ROOT / "custom_components" / "flashforge" / "quality_scale.yaml").read_text()
)["rules"]
COMPONENTS = Path(homeassistant.components.__file__).parent


def rules_of(integration: Path) -> frozenset[str]:
    """Return the rules an integration's quality_scale.yaml names."""
    data = yaml.safe_load((integration / "quality_scale.yaml").read_text())
    return frozenset(data["rules"])


def installed_rules() -> frozenset[str]:
    """Return every rule of the installed Home Assistant's quality scale.

    The package does not ship hassfest, which holds the list; but hassfest
    makes a platinum integration meet every rule and name no other, so each
    platinum integration's quality_scale.yaml names exactly the list.
    """
    lists = {
        rules_of(manifest.parent)
        for manifest in COMPONENTS.glob("*/manifest.json")
        if json.loads(manifest.read_text()).get("quality_scale") == "platinum"
    }
    assert len(lists) == 1, "the platinum integrations disagree on the rules"
    return lists.pop()


def test_every_rule_is_listed_and_nothing_else() -> None:
    """A rule of the scale we do not mention, or one it does not have, is an error."""
    rules = installed_rules()

    assert set(OURS) - rules == set()
    assert rules - set(OURS) == set()


@pytest.mark.parametrize("rule", sorted(OURS))
def test_each_rule_has_a_status_and_exemptions_say_why(rule: str) -> None:
    """Statuses are hassfest's: done or todo, or exempt with a reason."""
    value = OURS[rule]
    if isinstance(value, str):
        assert value in {"done", "todo"}
        return
    assert set(value) == {"status", "comment"}
    assert value["status"] in {"done", "todo", "exempt"}
    assert isinstance(value["comment"], str)
    assert value["comment"].strip()
