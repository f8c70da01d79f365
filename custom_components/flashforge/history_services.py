"""The action that reads printers' print histories."""

from typing import Final

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.util.json import JsonObjectType
import probatio

from .action_target import DEVICES, async_targets
from .api import DEFAULT_LIMIT, JobResult, history_as_data, record_as_data
from .const import DOMAIN

SERVICE_GET_PRINT_HISTORY: Final = "get_print_history"

ATTR_COUNT: Final = "count"
ATTR_RESULT: Final = "result"

GET_PRINT_HISTORY_SCHEMA: Final = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): DEVICES,
        probatio.Optional(ATTR_COUNT): probatio.All(
            probatio.Coerce(int), probatio.Range(min=1, max=DEFAULT_LIMIT)
        ),
        probatio.Optional(ATTR_RESULT): probatio.Coerce(JobResult),
    }
)


@callback
def async_setup_history_services(hass: HomeAssistant) -> None:
    """Register the action that reads print histories."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_PRINT_HISTORY,
        _async_get_print_history,
        schema=GET_PRINT_HISTORY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )


async def _async_get_print_history(call: ServiceCall) -> ServiceResponse:
    """Return each printer's ended jobs, newest first, its counts and its open job.

    The history is Home Assistant's: it answers while the printer is away.
    """
    count: int | None = call.data.get(ATTR_COUNT)
    result: JobResult | None = call.data.get(ATTR_RESULT)
    response: JsonObjectType = {}
    for target in async_targets(call):
        history = target.coordinator.history.history
        data = history_as_data(history)
        response[target.device_id] = {
            "name": target.name,
            "jobs": [record_as_data(job) for job in history.recent(count, result)],
            "counts": data["counts"],
            "current_job": data["open_job"],
        }
    return response
