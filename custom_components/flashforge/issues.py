"""The repair issues of a printer: away for long, or firmware an update would improve."""

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from .api import MIN_HTTP_FIRMWARE
from .const import DOMAIN


def unreachable_issue_id(entry: ConfigEntry) -> str:
    """Return the repair issue id for a printer that stays unreachable."""
    return f"unreachable_{entry.entry_id}"


def firmware_issue_id(entry: ConfigEntry) -> str:
    """Return the repair issue id for firmware that an update would give the HTTP API."""
    return f"firmware_too_old_{entry.entry_id}"


@callback
def async_printer_unreachable(
    hass: HomeAssistant, entry: ConfigEntry, host: str
) -> None:
    """Ask the user to look at a printer that has been away for long."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        unreachable_issue_id(entry),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="printer_unreachable",
        translation_placeholders={"name": entry.title, "host": host},
    )


@callback
def async_suggest_firmware_update(
    hass: HomeAssistant, entry: ConfigEntry, version: str | None, *, suggest: bool
) -> None:
    """Suggest a firmware update that gives the printer the HTTP API, or take it back.

    The printer works without it (over TCP): it is a suggestion, not an error.
    """
    issue_id = firmware_issue_id(entry)
    if not suggest:
        ir.async_delete_issue(hass, DOMAIN, issue_id)
        return
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key="firmware_too_old",
        translation_placeholders={
            "name": entry.title,
            "version": version or "",
            "minimum": ".".join(map(str, MIN_HTTP_FIRMWARE)),
        },
    )
