"""Actions that drive a printer over its TCP API: raw G-code.

It can damage a printer, so only administrators may use it, and it is
refused while a job runs unless the user says otherwise. Every targeted
printer is checked before anything is sent to any.
"""

from typing import Final

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv, service
from homeassistant.util.json import JsonObjectType, JsonValueType
import probatio

from .action_target import DEVICES, async_targets
from .api import gcode_lines
from .api.tcp.const import MAX_GCODE_LINE_LENGTH, MAX_GCODE_LINES
from .const import DOMAIN
from .errors import refusals
from .helpers import async_gather_all, async_run_command

SERVICE_SEND_GCODE: Final = "send_gcode"

ATTR_GCODE: Final = "gcode"
ATTR_WHILE_PRINTING: Final = "while_printing"

# Enough for the lines the library takes with comments, and no more.
MAX_GCODE_TEXT: Final = 4 * MAX_GCODE_LINES * MAX_GCODE_LINE_LENGTH

_GCODE_TEXT = probatio.All(cv.string, probatio.Length(max=MAX_GCODE_TEXT))
# A list item holds one line, maybe with a comment.
_GCODE_ITEM = probatio.All(cv.string, probatio.Length(max=4 * MAX_GCODE_LINE_LENGTH))

SEND_GCODE_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): DEVICES,
        # One text of lines, or a list of lines (each a single line).
        probatio.Required(ATTR_GCODE): probatio.Any(
            _GCODE_TEXT,
            probatio.All([_GCODE_ITEM], probatio.Length(max=4 * MAX_GCODE_LINES)),
        ),
        probatio.Optional(ATTR_WHILE_PRINTING, default=False): cv.boolean,
    }
)


@callback
def async_setup_tcp_services(hass: HomeAssistant) -> None:
    """Register the action that sends G-code, for administrators."""
    service.async_register_admin_service(
        hass,
        DOMAIN,
        SERVICE_SEND_GCODE,
        _async_send_gcode,
        SEND_GCODE_SCHEMA,
        SupportsResponse.OPTIONAL,
    )


async def _async_send_gcode(call: ServiceCall) -> ServiceResponse:
    """Send G-code lines to printers; return each line's reply lines."""
    with refusals():
        lines = gcode_lines(call.data[ATTR_GCODE])
    targets = async_targets(call)
    for target in targets:
        target.check_offers(target.coordinator.printer.has_tcp)
    if not call.data[ATTR_WHILE_PRINTING]:
        await async_gather_all(
            [target.async_check_idle("gcode_while_printing") for target in targets]
        )
    replies = await async_gather_all(
        [
            async_run_command(
                target.coordinator,
                target.coordinator.printer.send_gcode(lines),
                name=target.name,
            )
            for target in targets
        ]
    )
    return {
        target.device_id: {
            "name": target.name,
            "replies": [
                _reply_as_json(line, reply)
                for line, reply in zip(lines, printer_replies, strict=True)
            ],
        }
        for target, printer_replies in zip(targets, replies, strict=True)
    }


def _reply_as_json(gcode: str, reply: str) -> JsonObjectType:
    """Return a G-code line and the printer's reply lines as response data."""
    reply_lines: list[JsonValueType] = [*reply.splitlines()]
    return {"gcode": gcode, "reply": reply_lines}
