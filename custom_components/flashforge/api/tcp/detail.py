"""The printer detail of a printer that speaks only the legacy TCP API."""

from dataclasses import fields
from typing import Any, Final

from ..fields import bounded_raw
from ..models import PrinterDetail
from .models import LegacyInfo, LegacyState

# PrinterDetail fields that are not None when the API does not report them.
_EMPTY: Final[dict[str, Any]] = {
    "has_material_station": False,
    "nozzle_temperatures": (),
    "nozzle_target_temperatures": (),
}


def legacy_detail(info: LegacyInfo, state: LegacyState) -> PrinterDetail:
    """Return the detail the HTTP API would give, from what M115 and the state say.

    What the TCP API does not report is None, so the platforms need not know
    which API answered. A printer that reports more tools than ``M115``
    counts (the 5M reports a ``T1`` of 0°C) shows the counted ones; several
    tools are also given per tool, as the HTTP API gives them.
    """
    tools = state.nozzle_temperatures[: info.tool_count or None]
    nozzle = tools[0] if tools else (None, None)
    bed = state.bed or (None, None)
    values: dict[str, Any] = {
        field.name: _EMPTY.get(field.name) for field in fields(PrinterDetail)
    }
    values |= {
        "name": info.name,
        "firmware_version": info.firmware_version,
        "mac_address": info.mac_address,
        "status": state.status,
        "raw_status": state.raw_status,
        "nozzle_temperature": nozzle[0],
        "nozzle_target_temperature": nozzle[1],
        "bed_temperature": bed[0],
        "bed_target_temperature": bed[1],
        "print_file_name": state.current_file,
        "print_progress": state.progress,
        "print_layer": state.layer,
        "target_print_layer": state.total_layers,
        "nozzle_count": info.tool_count,
        "light_on": state.light_on,
        "raw": bounded_raw(_raw(info, state)),
    }
    if len(tools) > 1:
        values["nozzle_temperatures"] = tuple(current for current, _ in tools)
        values["nozzle_target_temperatures"] = tuple(target for _, target in tools)
    return PrinterDetail(**values)


def _raw(info: LegacyInfo, state: LegacyState) -> dict[str, Any]:
    """Return what the printer reported, for diagnostics."""
    return {
        "machineType": info.machine_type,
        "name": info.name,
        "firmwareVersion": info.firmware_version,
        "buildVolume": list(info.build_volume or ()),
        "toolCount": info.tool_count,
        "status": state.raw_status,
        "moveMode": state.move_mode,
        "light": state.light_on,
        "currentFile": state.current_file,
        "nozzleTemps": [list(tool) for tool in state.nozzle_temperatures],
        "bedTemp": list(state.bed or ()),
        "progress": state.progress,
        "layer": state.layer,
        "totalLayers": state.total_layers,
    }
