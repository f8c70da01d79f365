"""Tests for the upload_file, print_file and list_files actions."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
import errno
import hashlib
import logging
import os
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service import async_get_all_descriptions
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser
from syrupy.assertion import SnapshotAssertion

from custom_components.flashforge.api import MachineStatus
from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, FaultKind, Status

from ..conftest import EmulatorFactory
from .conftest import entry_for

ONE_TOOL_PLA = "; filament_type = PLA\n; filament_colour = #FFFFFF\n"
TWO_TOOLS = "; filament_type = PLA;PLA\n; filament_colour = #161616;#FFFFFF\n"
GREEN_PETG = "; filament_type = PETG\n; filament_colour = #0ACC38\n"
BLUE_ABS = "; filament_type = ABS\n; filament_colour = #2750E0\n"
PLA_AND_ABS = "; filament_type = PLA;ABS\n; filament_colour = #FFFFFF;#2750E0\n"


@pytest.fixture(autouse=True)
def no_platforms() -> Iterator[None]:
    """Set up printers without entities: the actions need none."""
    with patch("custom_components.flashforge.PLATFORMS", []):
        yield


@pytest.fixture
def media(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Return a folder Home Assistant may read files from."""
    folder = tmp_path / "media"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


def gcode(header: str = ONE_TOOL_PLA, size: int = 0) -> bytes:
    """Return G-code with a slicer header, padded with moves to about size bytes."""
    body = header.encode() + b"G28\n"
    move = b"G1 X10 Y10 E0.5 F3000\n"
    return body + move * max(0, (size - len(body)) // len(move))


def write(folder: Path, name: str, data: bytes) -> Path:
    """Write a file into a folder and return its path."""
    path = folder / name
    path.write_bytes(data)
    return path


def sha256(data: bytes) -> str:
    """Return a hex digest."""
    return hashlib.sha256(data).hexdigest()


async def add_printer(hass: HomeAssistant, emulator: Emulator) -> str:
    """Set a printer up and return its device id."""
    entry = entry_for(emulator)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, emulator.serial), entry.entry_id
    )
    assert device is not None
    return device.id


async def unload_all(hass: HomeAssistant) -> None:
    """Unload every printer before its emulator stops."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        assert await hass.config_entries.async_unload(entry.entry_id)


def printer_client(hass: HomeAssistant, index: int = 0) -> Any:
    """Return the library's printer of a set-up entry."""
    return hass.config_entries.async_entries(DOMAIN)[index].runtime_data.printer


@pytest.fixture
async def printer(
    quick_emulator: EmulatorFactory,
) -> AsyncIterator[Emulator]:
    """Return a 5M Pro whose clock moves only when told."""
    async with quick_emulator("5m-pro") as emu:
        yield emu


@pytest.fixture
async def device_id(hass: HomeAssistant, printer: Emulator) -> str:
    """Return the device id of the set-up 5M Pro."""
    return await add_printer(hass, printer)


@pytest.fixture
async def ad5x_id(hass: HomeAssistant, ad5x: Emulator) -> str:
    """Return the device id of the set-up AD5X."""
    return await add_printer(hass, ad5x)


@pytest.fixture
def models(printer: Emulator, ad5x: Emulator) -> dict[str, Emulator]:
    """Return both emulated printers by model, for tables that name one."""
    return {"5m-pro": printer, "ad5x": ad5x}


async def call(
    hass: HomeAssistant, service: str, data: dict[str, Any], **kwargs: Any
) -> Any:
    """Call a FlashForge action and wait for it."""
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, **kwargs
    )


def job_mappings(emulator: Emulator) -> list[tuple[int, int]]:
    """Return the (tool, slot) pairs of the running job."""
    job = emulator.printer.job
    assert job is not None
    assert job.use_matl_station
    return [(m["toolId"], m["slotId"]) for m in job.mappings]


# Registration


async def test_actions_are_described(hass: HomeAssistant, device_id: str) -> None:
    """The actions are registered with descriptions from services.yaml."""
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]

    assert set(descriptions) == {
        "upload_file",
        "print_file",
        "list_files",
        "get_thumbnail",
        "get_print_history",
        "move",
        "extrude",
        "calibrate",
        "send_gcode",
        "set_slot",
    }
    assert set(descriptions["upload_file"]["fields"]) == {
        "device_id",
        "file_path",
        "file_name",
        "print_now",
        "leveling_before_print",
        "material_mappings",
    }


@pytest.mark.parametrize(
    "mappings", ["closest", [{"tool_id": 0}], [{"tool_id": -1, "slot_id": 1}]]
)
async def test_schema_refuses_bad_mappings(
    hass: HomeAssistant, ad5x_id: str, mappings: Any
) -> None:
    """Mappings are auto or a list of tool and slot numbers."""
    with pytest.raises(Exception, match="material_mappings"):
        await call(
            hass,
            "print_file",
            {
                "device_id": ad5x_id,
                "file_name": "Cube_PLA.gcode",
                "material_mappings": mappings,
            },
        )


# upload_file


async def test_upload_arrives_intact(
    hass: HomeAssistant,
    printer: Emulator,
    device_id: str,
    media: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A multi-megabyte file arrives byte for byte; progress is logged in tenths."""
    data = os.urandom(3 * 1024 * 1024 + 17)
    write(media, "random.gcode", data)

    with caplog.at_level(logging.DEBUG, logger="custom_components.flashforge"):
        await call(
            hass,
            "upload_file",
            {"device_id": device_id, "file_path": str(media / "random.gcode")},
        )

    stored = printer.files["random.gcode"]
    assert (stored.size, stored.sha256) == (len(data), sha256(data))
    assert printer.printer.status is Status.READY
    progress = re.findall(r"Sending random\.gcode to .*: (\d+)%", caplog.text)
    assert 1 <= len(progress) <= 10
    assert progress[-1] == "100"
    assert printer.check_code not in caplog.text


@pytest.mark.parametrize(
    ("local_name", "file_name"),
    [("benchy v2.gcode", "Benchy.gcode"), ("PART.GCODE", "part.gcode")],
    ids=["another name", "extension case"],
)
async def test_upload_under_another_name(
    hass: HomeAssistant,
    printer: Emulator,
    device_id: str,
    media: Path,
    local_name: str,
    file_name: str,
) -> None:
    """file_name names the file on the printer, whatever the case of the extensions."""
    write(media, local_name, gcode())

    await call(
        hass,
        "upload_file",
        {
            "device_id": device_id,
            "file_path": str(media / local_name),
            "file_name": file_name,
        },
    )

    assert file_name in printer.files
    assert local_name not in printer.files


async def test_upload_relative_to_config_folder(
    hass: HomeAssistant,
    printer: Emulator,
    device_id: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A relative path is taken from the configuration folder."""
    monkeypatch.setattr(hass.config, "config_dir", str(tmp_path))
    (tmp_path / "prints").mkdir()
    write(tmp_path / "prints", "part.gcode", gcode())
    hass.config.allowlist_external_dirs = {str(tmp_path / "prints")}

    await call(
        hass, "upload_file", {"device_id": device_id, "file_path": "prints/part.gcode"}
    )

    assert "part.gcode" in printer.files


async def test_upload_and_print(
    hass: HomeAssistant, printer: Emulator, device_id: str, media: Path
) -> None:
    """print_now starts the job, with the leveling choice, and the state is read."""
    write(media, "part.gcode", gcode())
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data

    await call(
        hass,
        "upload_file",
        {
            "device_id": [device_id],
            "file_path": str(media / "part.gcode"),
            "print_now": True,
            "leveling_before_print": False,
        },
    )

    job = printer.printer.job
    assert job is not None
    assert (job.file_name, job.leveling, job.use_matl_station) == (
        "part.gcode",
        False,
        False,
    )
    assert coordinator.data.status is MachineStatus.HEATING


async def test_upload_while_printing_without_print_now(
    hass: HomeAssistant, printer: Emulator, device_id: str, media: Path
) -> None:
    """A file can be stored while the printer prints another."""
    await call(
        hass,
        "print_file",
        {"device_id": device_id, "file_name": "Calibration_Cube.gcode"},
    )
    write(media, "next.gcode", gcode())

    await call(
        hass,
        "upload_file",
        {"device_id": device_id, "file_path": str(media / "next.gcode")},
    )

    assert "next.gcode" in printer.files
    assert printer.printer.job.file_name == "Calibration_Cube.gcode"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (ONE_TOOL_PLA, [(0, 1)]),
        (GREEN_PETG, [(0, 3)]),
        (TWO_TOOLS, [(0, 2), (1, 1)]),
        # The file's names and colours are read as the slicer wrote them.
        ("; filament_type = pla\n", [(0, 1)]),
    ],
)
async def test_upload_and_print_on_ad5x(
    hass: HomeAssistant,
    *,
    ad5x: Emulator,
    ad5x_id: str,
    media: Path,
    header: str,
    expected: list[tuple[int, int]],
) -> None:
    """An upload that prints maps the local file's materials to the station."""
    write(media, "part.gcode", gcode(header))

    await call(
        hass,
        "upload_file",
        {
            "device_id": ad5x_id,
            "file_path": str(media / "part.gcode"),
            "print_now": True,
        },
    )

    assert job_mappings(ad5x) == expected


async def test_upload_3mf_on_ad5x(
    hass: HomeAssistant, ad5x: Emulator, ad5x_id: str, media: Path
) -> None:
    """A sliced 3MF is mapped from its slice info."""
    seeded = ad5x.files["Fish_PETG.3mf"].path.read_bytes()
    write(media, "fish.3mf", seeded)

    await call(
        hass,
        "upload_file",
        {
            "device_id": ad5x_id,
            "file_path": str(media / "fish.3mf"),
            "print_now": True,
            "material_mappings": "auto",
        },
    )

    assert ad5x.files["fish.3mf"].sha256 == sha256(seeded)
    assert job_mappings(ad5x) == [(0, 3)]


async def test_upload_without_print_ignores_station(
    hass: HomeAssistant, ad5x: Emulator, ad5x_id: str, media: Path
) -> None:
    """Storing a file on an AD5X needs no mapping, even when no slot fits."""
    write(media, "part.gcode", gcode(BLUE_ABS))

    await call(
        hass,
        "upload_file",
        {"device_id": ad5x_id, "file_path": str(media / "part.gcode")},
    )

    assert "part.gcode" in ad5x.files
    assert ad5x.printer.job is None


# print_file


@pytest.mark.parametrize(
    ("model", "file_name", "data", "station", "expected"),
    [
        ("5m-pro", "Calibration_Cube.gcode", {}, False, []),
        ("5m-pro", "Calibration_Cube.gcode", {"material_mappings": "auto"}, False, []),
        ("5m-pro", "Calibration_Cube.gcode", {"material_mappings": []}, False, []),
        ("ad5x", "Cube_PLA.gcode", {}, True, [(0, 1)]),
        (
            "ad5x",
            "Keychain_2Color.gcode",
            {"material_mappings": "auto"},
            True,
            [(0, 1), (1, 2)],
        ),
        (
            "ad5x",
            "Keychain_2Color.gcode",
            {"material_mappings": "AUTO"},
            True,
            [(0, 1), (1, 2)],
        ),
        ("ad5x", "Fish_PETG.3mf", {}, True, [(0, 3)]),
        (
            "ad5x",
            "Keychain_2Color.gcode",
            {
                "material_mappings": [
                    {"tool_id": 1, "slot_id": 1},
                    {"tool_id": 0, "slot_id": 2},
                ]
            },
            True,
            [(0, 2), (1, 1)],
        ),
        # An empty list prints without the station.
        ("ad5x", "Cube_PLA.gcode", {"material_mappings": []}, False, []),
        ("ad5x", "Cube_PLA.gcode", {"leveling_before_print": False}, True, [(0, 1)]),
    ],
)
async def test_print_file(
    hass: HomeAssistant,
    *,
    models: dict[str, Emulator],
    model: str,
    file_name: str,
    data: dict[str, Any],
    station: bool,
    expected: list[tuple[int, int]],
) -> None:
    """A stored file prints, through the station where one is in use, mapped as asked."""
    emulator = models[model]
    device_id = await add_printer(hass, emulator)

    await call(
        hass, "print_file", {"device_id": device_id, "file_name": file_name, **data}
    )

    job = emulator.printer.job
    assert job is not None
    assert (job.file_name, job.leveling, job.use_matl_station) == (
        file_name,
        data.get("leveling_before_print", True),
        station,
    )
    assert [(m["toolId"], m["slotId"]) for m in job.mappings] == expected


async def test_explicit_mapping_is_filled_in(
    hass: HomeAssistant, ad5x: Emulator, ad5x_id: str
) -> None:
    """Names and colours come from the file and the station."""
    await call(
        hass,
        "print_file",
        {
            "device_id": ad5x_id,
            "file_name": "Cube_PLA.gcode",
            "material_mappings": [{"tool_id": 0, "slot_id": 2}],
        },
    )

    assert ad5x.printer.job.mappings == [
        {
            "toolId": 0,
            "slotId": 2,
            "materialName": "PLA",
            "toolMaterialColor": "#FFFFFF",
            "slotMaterialColor": "#161616",
        }
    ]


# list_files


async def test_list_files(
    hass: HomeAssistant,
    printer: Emulator,
    ad5x: Emulator,
    snapshot: SnapshotAssertion,
) -> None:
    """Each printer's recent files, with AD5X tool data, keyed by device id."""
    ids = {
        await add_printer(hass, printer): "5m_pro",
        await add_printer(hass, ad5x): "ad5x",
    }

    response = await call(
        hass, "list_files", {"device_id": list(ids)}, return_response=True
    )

    assert set(response) == set(ids)
    assert {ids[device]: files for device, files in response.items()} == snapshot


# Refusals: input, printers and mappings are checked before anything is sent


@dataclass(frozen=True, kw_only=True)
class Refusal:
    """An action refused up front: on which printer, in which state, and why."""

    service: str
    # Besides device_id; a file_path names a file written into the media folder.
    data: dict[str, Any]
    key: str
    placeholders: dict[str, str] = field(default_factory=dict)
    model: str = "5m-pro"
    status: Status | None = None
    header: str = ONE_TOOL_PLA
    # Whether the user's input is at fault, rather than the printer's state.
    validation: bool = True


def upload(**data: Any) -> dict[str, Any]:
    """Return upload_file data for part.gcode in the media folder."""
    return {"file_path": "part.gcode", **data}


def print_now(pairs: Any = None, **data: Any) -> dict[str, Any]:
    """Return upload_file data that prints part.gcode at once, maybe mapped."""
    return upload(print_now=True, **data, **mapped(pairs))


def stored(file_name: str, pairs: Any = None) -> dict[str, Any]:
    """Return print_file data for a stored file, maybe mapped."""
    return {"file_name": file_name, **mapped(pairs)}


def mapped(pairs: Any) -> dict[str, Any]:
    """Return material_mappings for (tool, slot) pairs, or as given ("auto")."""
    if pairs is None:
        return {}
    if isinstance(pairs, list):
        pairs = [{"tool_id": tool, "slot_id": slot} for tool, slot in pairs]
    return {"material_mappings": pairs}


def on_ad5x(service: str, data: dict[str, Any], key: str, **kwargs: Any) -> Refusal:
    """Return a refusal by the AD5X, whose name every message may quote."""
    placeholders = kwargs.pop("placeholders", {})
    return Refusal(
        service=service,
        data=data,
        key=key,
        model="ad5x",
        placeholders={"name": "AD5X", **placeholders},
        **kwargs,
    )


def not_ready(service: str, data: dict[str, Any], status: Status, key: str) -> Refusal:
    """Return a refusal by a 5M Pro that cannot start a job in this state."""
    return Refusal(
        service=service,
        data=data,
        key=key,
        status=status,
        placeholders={"name": "Adventurer 5M Pro"},
        validation=False,
    )


BAD_NAMES = {
    "separator": "sub/part.gcode",
    "backslash": "..\\part.gcode",
    "quote": 'say "hi".gcode',
    "newline": "part\n.gcode",
    "NUL": "part\x00.gcode",
    "leading space": " part.gcode",
}
TOO_LONG = {"256": "x" * 250 + ".gcode", "262": "\u00e9" * 128 + ".gcode"}
JOB_STATES = {
    Status.PRINTING: "already_printing",
    Status.PAUSED: "already_printing",
    Status.HEATING: "already_printing",
    Status.COMPLETED: "platform_not_cleared",
    Status.CANCEL: "platform_not_cleared",
    Status.BUSY: "printer_not_ready",
    Status.CALIBRATE_DOING: "printer_not_ready",
    Status.ERROR: "printer_not_ready",
}
KEYCHAIN = "Keychain_2Color.gcode"
NO_SLOT_FITS = {"tool": "0", "material": "ABS", "color": "#2750E0"}
# print_file on the AD5X: (label, file, pairs or "auto", key, placeholders).
AD5X_PRINTS = [
    ("no slot 5", "Cube_PLA.gcode", [(0, 5)], "slot_not_found", {"slot": "5"}),
    ("empty slot", "Cube_PLA.gcode", [(0, 4)], "slot_empty", {"slot": "4"}),
    (
        "tool twice",
        KEYCHAIN,
        [(0, 1), (0, 2)],
        "duplicate_tool",
        {"tool": "0", "file_name": KEYCHAIN},
    ),
    (
        "unknown tool",
        "Cube_PLA.gcode",
        [(1, 1)],
        "unknown_tool",
        {"tool": "1", "file_name": "Cube_PLA.gcode"},
    ),
    (
        "tool not mapped",
        KEYCHAIN,
        [(0, 1)],
        "tool_not_mapped",
        {"tool": "1", "file_name": KEYCHAIN},
    ),
    (
        "unlisted file, unknown tool",
        "Unlisted.gcode",
        [(1, 1)],
        "unknown_tool",
        {"tool": "1", "file_name": "Unlisted.gcode"},
    ),
    (
        "unlisted file, auto",
        "Unlisted.gcode",
        "auto",
        "file_tools_unknown",
        {"file_name": "Unlisted.gcode"},
    ),
]
REFUSALS: dict[str, Refusal] = {
    **{
        f"upload name, {label}": Refusal(
            service="upload_file",
            data=upload(file_name=name),
            key="invalid_file_name",
            placeholders={"file_name": name},
        )
        for label, name in BAD_NAMES.items()
    },
    "print name, climbing": Refusal(
        service="print_file",
        data=stored("../x.gcode"),
        key="invalid_file_name",
        placeholders={"file_name": "../x.gcode"},
    ),
    **{
        f"{service} name, {length} bytes": Refusal(
            service=service,
            data=data(file_name=name),
            key="file_name_too_long",
            placeholders={"length": length, "max_length": "255"},
        )
        for length, name in TOO_LONG.items()
        for service, data in (("upload_file", upload), ("print_file", dict))
    },
    **{
        f"upload name, {name}": Refusal(
            service="upload_file",
            data=upload(file_name=name),
            key="file_name_extension",
            placeholders={"file_name": name, "extension": ".gcode"},
        )
        for name in ("part.txt", "part.3mf")
    },
    **{
        f"print now, {status}": not_ready("upload_file", print_now(), status, key)
        for status, key in JOB_STATES.items()
    },
    **{
        f"print_file, {status}": not_ready(
            "print_file", stored("Calibration_Cube.gcode"), status, key
        )
        for status, key in JOB_STATES.items()
        if status in {Status.PRINTING, Status.COMPLETED, Status.BUSY}
    },
    "mappings without station": Refusal(
        service="print_file",
        data=stored("Calibration_Cube.gcode", [(0, 1)]),
        key="no_material_station",
        placeholders={"name": "Adventurer 5M Pro"},
    ),
    "mappings without print_now": Refusal(
        service="upload_file",
        data=upload(**mapped([(0, 1)])),
        key="mappings_without_print",
        model="ad5x",
    ),
    **{
        f"AD5X, {label}": on_ad5x(
            "print_file", stored(file_name, pairs), key, placeholders=placeholders
        )
        for label, file_name, pairs, key, placeholders in AD5X_PRINTS
    },
    "AD5X upload, no slot fits": on_ad5x(
        "upload_file",
        print_now(),
        "no_matching_slot",
        header=BLUE_ABS,
        placeholders=NO_SLOT_FITS,
    ),
    "AD5X upload, no slot fits, auto": on_ad5x(
        "upload_file",
        print_now("auto"),
        "no_matching_slot",
        header=BLUE_ABS,
        placeholders=NO_SLOT_FITS,
    ),
    "AD5X upload, one tool fits no slot": on_ad5x(
        "upload_file",
        print_now(),
        "no_matching_slot",
        header=PLA_AND_ABS,
        placeholders={**NO_SLOT_FITS, "tool": "1", "file_name": "part.gcode"},
    ),
    "AD5X upload, file without tools": on_ad5x(
        "upload_file",
        print_now(),
        "file_tools_unknown",
        header="",
        placeholders={"file_name": "part.gcode"},
    ),
    "AD5X upload, empty slot": on_ad5x(
        "upload_file",
        print_now([(0, 4)]),
        "slot_empty",
        placeholders={"slot": "4"},
    ),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
async def test_refused_before_sending(
    hass: HomeAssistant, models: dict[str, Emulator], media: Path, case: Refusal
) -> None:
    """Input, printers and mappings that do not fit are refused; nothing is sent."""
    emulator = models[case.model]
    device_id = await add_printer(hass, emulator)
    if case.status is not None:
        emulator.printer.status = case.status
    data = dict(case.data)
    if "file_path" in data:
        data["file_path"] = str(write(media, data["file_path"], gcode(case.header)))

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, case.service, {"device_id": device_id, **data})

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == case.key
    placeholders = err.value.translation_placeholders or {}
    assert case.placeholders.items() <= placeholders.items()
    assert isinstance(err.value, ServiceValidationError) is case.validation
    assert emulator.request_counts["/uploadGcode"] == 0
    assert emulator.request_counts["/printGcode"] == 0
    assert emulator.printer.job is None


# Files outside the allowed folders, or not printable


def outside_file(media: Path) -> str:
    """Return a printable file just outside the allowed folder."""
    return str(write(media.parent, "secret.gcode", gcode()))


def symlink_out(media: Path) -> str:
    """Return a link in the allowed folder to a file outside it."""
    link = media / "link.gcode"
    link.symlink_to(outside_file(media))
    return str(link)


def dotdot(media: Path) -> str:
    """Return a path that climbs out of the allowed folder."""
    outside_file(media)
    return f"{media}/../secret.gcode"


def url_encoded(media: Path) -> str:
    """Return a URL-encoded climb, which is a plain (missing) name on disk."""
    outside_file(media)
    return f"{media}/%2e%2e/secret.gcode"


def linked_folder(media: Path) -> str:
    """Return a path through a linked folder that leads outside."""
    outside_file(media)
    (media / "up").symlink_to(media.parent)
    return str(media / "up" / "secret.gcode")


def missing(media: Path) -> str:
    """Return a path to nothing."""
    return str(media / "missing.gcode")


def below_a_file(media: Path) -> str:
    """Return a path that treats a file as a folder."""
    return str(write(media, "part.gcode", gcode()) / "part.gcode")


def too_long(media: Path) -> str:
    """Return a name the file system cannot hold."""
    return str(media / f"{'x' * 300}.gcode")


def directory(media: Path) -> str:
    """Return a folder named like G-code."""
    (media / "folder.gcode").mkdir()
    return str(media / "folder.gcode")


def text_file(media: Path) -> str:
    """Return a file the printer does not print."""
    return str(write(media, "notes.txt", b"hello"))


def stl_file(media: Path) -> str:
    """Return an unsliced model."""
    return str(write(media, "model.stl", b"solid x\nendsolid x\n"))


def empty(media: Path) -> str:
    """Return a zero-byte G-code file."""
    return str(write(media, "empty.gcode", b""))


def fifo(media: Path) -> str:
    """Return a named pipe, which a plain open() would wait on for a writer."""
    os.mkfifo(media / "pipe.gcode")
    return str(media / "pipe.gcode")


def unreadable(media: Path) -> str:
    """Return a file Home Assistant may not read."""
    path = write(media, "locked.gcode", gcode())
    path.chmod(0)
    return str(path)


@pytest.mark.parametrize(
    ("make_path", "key"),
    [
        (outside_file, "path_not_allowed"),
        (symlink_out, "path_not_allowed"),
        (dotdot, "path_not_allowed"),
        (linked_folder, "path_not_allowed"),
        (url_encoded, "file_not_found"),
        (missing, "file_not_found"),
        (below_a_file, "file_not_found"),
        (too_long, "cannot_read_file"),
        (directory, "not_a_file"),
        (fifo, "not_a_file"),
        (text_file, "unsupported_file_type"),
        (stl_file, "unsupported_file_type"),
        (empty, "file_empty"),
        pytest.param(
            unreadable,
            "cannot_read_file",
            marks=pytest.mark.skipif(os.geteuid() == 0, reason="root reads anything"),
        ),
    ],
)
async def test_upload_refuses_path(
    hass: HomeAssistant,
    *,
    printer: Emulator,
    device_id: str,
    media: Path,
    make_path: Callable[[Path], str],
    key: str,
    release_fifos: None,
) -> None:
    """Files outside the allowed folders, or not printable, are refused up front."""
    file_path = make_path(media)

    with pytest.raises(ServiceValidationError) as err:
        async with asyncio.timeout(10):
            await call(
                hass,
                "upload_file",
                {"device_id": device_id, "file_path": file_path, "print_now": True},
            )

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert err.value.translation_placeholders["file_path"] == file_path
    assert printer.request_counts["/uploadGcode"] == 0


async def test_upload_of_unreadable_file(
    hass: HomeAssistant, printer: Emulator, device_id: str, media: Path
) -> None:
    """A file Home Assistant may not read is refused (root reads anything, so fake it)."""
    path = write(media, "part.gcode", gcode())
    real_open = os.open

    def refuse(file: Any, *args: Any, **kwargs: Any) -> int:
        if os.fspath(file) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)

    with (
        patch("os.open", side_effect=refuse),
        pytest.raises(ServiceValidationError) as err,
    ):
        await call(
            hass, "upload_file", {"device_id": device_id, "file_path": str(path)}
        )

    assert err.value.translation_key == "cannot_read_file"
    assert err.value.translation_placeholders == {"file_path": str(path)}
    assert printer.request_counts["/uploadGcode"] == 0


# Printers that fail


async def go_offline(emulator: Emulator) -> None:
    """Take the printer off the network."""
    await emulator.go_offline()


async def answer_garbage(emulator: Emulator) -> None:
    """Make the printer's next file list unreadable."""
    emulator.add_fault(FaultKind.INVALID_JSON, path="/gcodeList", count=1)


@pytest.mark.parametrize(
    ("service", "data", "fail", "key", "quoted"),
    [
        (
            "upload_file",
            {"file_path": "part.gcode"},
            go_offline,
            "printer_offline",
            "name",
        ),
        (
            "print_file",
            {"file_name": "Cube.gcode"},
            go_offline,
            "printer_offline",
            "name",
        ),
        ("list_files", {}, go_offline, "printer_offline", "name"),
        ("list_files", {}, answer_garbage, "command_failed", "error"),
    ],
)
async def test_read_fails(
    hass: HomeAssistant,
    *,
    printer: Emulator,
    device_id: str,
    media: Path,
    service: str,
    data: dict[str, str],
    fail: Callable[[Emulator], Any],
    key: str,
    quoted: str,
) -> None:
    """A printer that cannot be read is named in the error, and nothing is sent."""
    if "file_path" in data:
        data = {"file_path": str(write(media, data["file_path"], gcode()))}
    await fail(printer)

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            service,
            {"device_id": device_id, **data},
            return_response=service == "list_files",
        )

    assert err.value.translation_key == key
    assert list(err.value.translation_placeholders) == [quoted]
    if quoted == "name":
        assert err.value.translation_placeholders["name"] == "Adventurer 5M Pro"
    assert printer.request_counts["/uploadGcode"] == 0
    assert printer.request_counts["/printGcode"] == 0


@dataclass(frozen=True, kw_only=True)
class Failure:
    """A command the printer does not carry out, and what the user is told."""

    service: str
    data: dict[str, Any]
    fault: FaultKind | None
    key: str
    placeholders: dict[str, str] = field(default_factory=dict)
    size: int = 0
    # Half the file goes out before the connection drops.
    midway: bool = False
    # Whether the failure tells the printer's state, so it is not read after.
    tells: bool = False


FAILURES = {
    "upload dropped midway": Failure(
        service="upload_file",
        data={"print_now": True},
        fault=FaultKind.DROP,
        size=2 * 1024 * 1024,
        midway=True,
        key="upload_failed",
        placeholders={"file_name": "part.gcode", "name": "Adventurer 5M Pro"},
        tells=True,
    ),
    "upload dropped": Failure(
        service="upload_file",
        data={},
        fault=FaultKind.DROP,
        key="upload_failed",
        placeholders={"file_name": "part.gcode", "name": "Adventurer 5M Pro"},
        tells=True,
    ),
    "upload answered busy": Failure(
        service="upload_file", data={}, fault=FaultKind.BUSY, key="printer_busy"
    ),
    "print dropped": Failure(
        service="print_file",
        data={"file_name": "Calibration_Cube.gcode"},
        fault=FaultKind.DROP,
        key="command_cannot_connect",
        tells=True,
    ),
    "print answered busy": Failure(
        service="print_file",
        data={"file_name": "Calibration_Cube.gcode"},
        fault=FaultKind.BUSY,
        key="printer_busy",
    ),
    "print of a missing file": Failure(
        service="print_file",
        data={"file_name": "Nope.gcode"},
        fault=None,
        key="file_not_on_printer",
        placeholders={"file_name": "Nope.gcode", "name": "Adventurer 5M Pro"},
    ),
}
COMMAND_PATHS = {"upload_file": "/uploadGcode", "print_file": "/printGcode"}


@pytest.mark.parametrize("case", FAILURES.values(), ids=FAILURES.keys())
async def test_command_fails(
    hass: HomeAssistant,
    *,
    printer: Emulator,
    device_id: str,
    media: Path,
    case: Failure,
) -> None:
    """A command the printer does not carry out fails translated; nothing is stored or printed.

    A printer whose connection broke is not read again after: the read would
    only wait too. Otherwise the read shows what it did.
    """
    data = dict(case.data)
    if case.service == "upload_file":
        file = gcode(size=case.size)
        data["file_path"] = str(write(media, "part.gcode", file))
    if case.fault is not None:
        printer.add_fault(
            case.fault,
            path=COMMAND_PATHS[case.service],
            count=1,
            after_bytes=len(file) // 2 if case.midway else 0,
        )
    reads = printer.request_counts["/detail"]

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, case.service, {"device_id": device_id, **data})

    assert err.value.translation_key == case.key
    assert err.value.translation_placeholders == case.placeholders
    assert "part.gcode" not in printer.files
    assert printer.printer.job is None
    assert printer.printer.status is Status.READY
    # One read checks the printer before the command; one more shows the result.
    assert printer.request_counts["/detail"] == reads + (1 if case.tells else 2)
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    assert coordinator.last_update_success is not case.tells


async def test_file_that_shrinks_while_sent(
    hass: HomeAssistant, printer: Emulator, device_id: str, media: Path
) -> None:
    """A file cut short after it was checked fails the upload; the printer keeps nothing.

    The printer would otherwise wait for the missing bytes, and print what came.
    """
    path = write(media, "part.gcode", gcode(size=100_000))
    client = printer_client(hass)
    detail = client.detail

    async def truncate_then_read() -> Any:
        os.truncate(path, 1000)
        return await detail()

    with (
        patch.object(client, "detail", truncate_then_read),
        pytest.raises(HomeAssistantError) as err,
    ):
        await call(
            hass,
            "upload_file",
            {"device_id": device_id, "file_path": str(path), "print_now": True},
        )

    assert err.value.translation_key == "cannot_read_file"
    assert err.value.translation_placeholders["file_path"] == str(path)
    assert "part.gcode" not in printer.files
    assert printer.printer.job is None


async def test_rejected_check_code_starts_reauth(
    hass: HomeAssistant, printer: Emulator, device_id: str, media: Path
) -> None:
    """A changed check code gives the shared error and asks for the new one."""
    write(media, "part.gcode", gcode())
    printer.set_check_code("changed")

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "upload_file",
            {"device_id": device_id, "file_path": str(media / "part.gcode")},
        )

    assert err.value.translation_key == "invalid_auth"
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


def removed(path: Path) -> None:
    """Delete the file."""
    path.unlink()


def link_out(path: Path) -> None:
    """Put a link to a file outside the allowed folder in the file's place."""
    path.unlink()
    path.symlink_to(outside_file(path.parent))


def pipe(path: Path) -> None:
    """Put a FIFO in the file's place."""
    path.unlink()
    os.mkfifo(path)


def replaced(path: Path) -> None:
    """Move another file over the file."""
    other = path.with_name("other.tmp")
    other.write_bytes(b"; REPLACED\nG28\n")
    other.replace(path)


@pytest.mark.parametrize("swap", [removed, link_out, pipe, replaced])
async def test_upload_sends_the_file_that_was_checked(
    hass: HomeAssistant,
    printer: Emulator,
    device_id: str,
    media: Path,
    swap: Callable[[Path], None],
    release_fifos: None,
) -> None:
    """Whatever takes the path's place once the printer is contacted, the checked file goes out."""
    data = gcode(size=100_000)
    path = write(media, "part.gcode", data)
    client = printer_client(hass)
    detail = client.detail

    async def swap_then_read() -> Any:
        swap(path)
        return await detail()

    with patch.object(client, "detail", swap_then_read):
        async with asyncio.timeout(10):
            await call(
                hass, "upload_file", {"device_id": device_id, "file_path": str(path)}
            )

    assert printer.files["part.gcode"].sha256 == sha256(data)


@pytest.mark.parametrize(
    ("user", "file_name", "allowed"),
    [
        ("administrator", "part.gcode", True),
        ("user", "part.gcode", False),
        ("user", "missing.gcode", False),
    ],
    ids=["administrator", "user", "user, no such file"],
)
async def test_upload_is_for_administrators(
    hass: HomeAssistant,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
    *,
    printer: Emulator,
    device_id: str,
    media: Path,
    user: str,
    file_name: str,
    allowed: bool,
) -> None:
    """Only an administrator may send the host's files; others are refused before any is read."""
    data = gcode()
    write(media, "part.gcode", data)
    users = {"administrator": hass_admin_user, "user": hass_read_only_user}
    context = Context(user_id=users[user].id)
    service_data = {"device_id": device_id, "file_path": str(media / file_name)}
    before = printer.request_counts.copy()

    if allowed:
        await call(hass, "upload_file", service_data, context=context)
        assert printer.files["part.gcode"].sha256 == sha256(data)
        return
    with pytest.raises(Unauthorized):
        await call(hass, "upload_file", service_data, context=context)
    assert printer.request_counts == before
    assert "part.gcode" not in printer.files


# Targets


def unknown_device(hass: HomeAssistant, device_id: str) -> str:
    """Return a device id that does not exist."""
    return "nope"


def other_device(hass: HomeAssistant, device_id: str) -> str:
    """Return a device of another integration."""
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    return (
        dr.async_get(hass)
        .async_get_or_create(
            config_entry_id=other.entry_id, identifiers={("other", "x")}
        )
        .id
    )


async def unloaded(hass: HomeAssistant, device_id: str) -> str:
    """Unload the printer's entry and return its device."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert await hass.config_entries.async_unload(entry.entry_id)
    return device_id


@pytest.mark.parametrize(
    ("target", "key"),
    [
        (unknown_device, "service_device_not_found"),
        (other_device, "service_device_wrong_domain"),
        (unloaded, "service_config_entry_not_loaded"),
    ],
)
async def test_bad_target(
    hass: HomeAssistant,
    printer: Emulator,
    device_id: str,
    target: Callable[[HomeAssistant, str], Any],
    key: str,
) -> None:
    """A device that is not a loaded FlashForge printer is refused, also beside one that is."""
    bad = target(hass, device_id)
    if asyncio.iscoroutine(bad):
        bad = await bad

    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "print_file",
            {"device_id": [device_id, bad], "file_name": "Calibration_Cube.gcode"},
        )

    assert err.value.translation_key == key
    assert printer.request_counts["/printGcode"] == 0


# Several printers in one call


async def test_two_printers_at_once(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    media: Path,
) -> None:
    """One call sends the same bytes to two printers and prints on both."""
    data = gcode(size=600_000)
    write(media, "part.gcode", data)
    async with (
        quick_emulator("5m-pro") as first,
        quick_emulator("5m") as second,
    ):
        ids = [await add_printer(hass, first), await add_printer(hass, second)]

        await call(
            hass,
            "upload_file",
            {"device_id": ids, "file_path": str(media / "part.gcode")},
        )
        await call(hass, "print_file", {"device_id": ids, "file_name": "part.gcode"})

        for emu in (first, second):
            assert emu.files["part.gcode"].sha256 == sha256(data)
            assert emu.printer.job.file_name == "part.gcode"
        await unload_all(hass)


async def test_one_of_two_printers_offline(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    media: Path,
) -> None:
    """When one printer is offline, nothing is sent to the other either."""
    write(media, "part.gcode", gcode())
    async with (
        quick_emulator("5m-pro") as first,
        quick_emulator("5m") as second,
    ):
        ids = [await add_printer(hass, first), await add_printer(hass, second)]
        await second.go_offline()

        with pytest.raises(HomeAssistantError) as err:
            await call(
                hass,
                "upload_file",
                {"device_id": ids, "file_path": str(media / "part.gcode")},
            )

        assert err.value.translation_key == "printer_offline"
        assert err.value.translation_placeholders == {"name": "Adventurer 5M"}
        assert first.request_counts["/uploadGcode"] == 0
        await unload_all(hass)


async def test_one_of_two_uploads_fails(
    hass: HomeAssistant,
    quick_emulator: EmulatorFactory,
    media: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failure on one printer is raised once the other upload has finished."""
    data = gcode(size=1_000_000)
    write(media, "part.gcode", data)
    async with (
        quick_emulator("5m-pro") as first,
        quick_emulator("5m") as second,
        quick_emulator("5m") as third,
    ):
        ids = [await add_printer(hass, emu) for emu in (first, second, third)]
        for emu in (second, third):
            emu.add_fault(
                FaultKind.DROP, path="/uploadGcode", count=1, after_bytes=100_000
            )

        with pytest.raises(HomeAssistantError) as err:
            await call(
                hass,
                "upload_file",
                {"device_id": ids, "file_path": str(media / "part.gcode")},
            )

        assert err.value.translation_key == "upload_failed"
        assert first.files["part.gcode"].sha256 == sha256(data)
        assert "A printer also failed" in caplog.text
        await unload_all(hass)


async def test_mixed_printers_with_auto(
    hass: HomeAssistant,
    printer: Emulator,
    ad5x: Emulator,
    media: Path,
) -> None:
    """One call prints on a 5M Pro directly and on an AD5X through its station."""
    ids = [await add_printer(hass, printer), await add_printer(hass, ad5x)]
    write(media, "part.gcode", gcode(TWO_TOOLS))

    await call(
        hass,
        "upload_file",
        {
            "device_id": ids,
            "file_path": str(media / "part.gcode"),
            "print_now": True,
        },
    )

    assert printer.printer.job.use_matl_station is False
    assert job_mappings(ad5x) == [(0, 2), (1, 1)]
