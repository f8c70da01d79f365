"""The detail of a TCP-only printer: what M115 and the state say, the rest None."""

from dataclasses import fields, replace

import pytest

from custom_components.flashforge.api import (
    LegacyInfo,
    LegacyState,
    MachineStatus,
    PrinterDetail,
    legacy_detail,
)

INFO = LegacyInfo(
    machine_type="Flashforge Adventurer 4",
    name="Workshop",
    firmware_version="v1.2.1-3.22",
    serial_number="SNADV4B0042",
    mac_address="88:A9:A7:00:56:78",
    build_volume=(220, 200, 250),
    tool_count=1,
)
STATE = LegacyState(
    status=MachineStatus.PRINTING,
    raw_status="BUILDING_FROM_SD",
    move_mode="MOVING",
    light_on=True,
    current_file="Benchy.gcode",
    nozzle_temperatures=((209.5, 210.0), (0.0, 0.0)),
    bed=(59.8, 60.0),
    progress=0.42,
    layer=37,
    total_layers=120,
)
# What the TCP API reports, as the HTTP API's detail holds it.
REPORTED = {
    "name": "Workshop",
    "firmware_version": "v1.2.1-3.22",
    "mac_address": "88:A9:A7:00:56:78",
    "status": MachineStatus.PRINTING,
    "raw_status": "BUILDING_FROM_SD",
    "nozzle_temperature": 209.5,
    "nozzle_target_temperature": 210.0,
    "bed_temperature": 59.8,
    "bed_target_temperature": 60.0,
    "print_file_name": "Benchy.gcode",
    "print_progress": 0.42,
    "print_layer": 37,
    "target_print_layer": 120,
    "nozzle_count": 1,
    "light_on": True,
}
NOT_NONE_WHEN_EMPTY = {
    "has_material_station": False,
    "nozzle_temperatures": (),
    "nozzle_target_temperatures": (),
}


def test_reported_fields() -> None:
    """Every reported value lands in its field; the rest is None, or empty."""
    detail = legacy_detail(INFO, STATE)
    for field in fields(PrinterDetail):
        if field.name == "raw":
            continue
        expected = REPORTED.get(field.name, NOT_NONE_WHEN_EMPTY.get(field.name))
        assert getattr(detail, field.name) == expected, field.name
    assert detail.pid is None
    assert detail.progress_percent == 42
    assert detail.raw["machineType"] == "Flashforge Adventurer 4"


@pytest.mark.parametrize(
    ("tool_count", "nozzles", "targets"),
    [
        # The 5M reports a T1 it does not have: M115 counts one tool.
        (1, (), ()),
        (2, (209.5, 0.0), (210.0, 0.0)),
        # Without a count, every reported tool is taken.
        (None, (209.5, 0.0), (210.0, 0.0)),
    ],
)
def test_tools(
    tool_count: int | None,
    nozzles: tuple[float, ...],
    targets: tuple[float, ...],
) -> None:
    """Several tools are also given per tool, as the HTTP API gives them."""
    detail = legacy_detail(replace(INFO, tool_count=tool_count), STATE)
    assert detail.nozzle_temperatures == nozzles
    assert detail.nozzle_target_temperatures == targets
    assert (detail.nozzle_temperature, detail.nozzle_target_temperature) == (
        209.5,
        210.0,
    )


def test_nothing_reported() -> None:
    """A printer that reports no bed and no file leaves those None."""
    state = replace(STATE, bed=None, current_file=None, progress=None, light_on=None)
    detail = legacy_detail(INFO, state)
    assert (detail.bed_temperature, detail.bed_target_temperature) == (None, None)
    assert (detail.print_file_name, detail.print_progress, detail.light_on) == (
        None,
        None,
        None,
    )
