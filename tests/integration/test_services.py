"""Tests for the upload_file, print_file and list_files actions."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
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
from custom_components.flashforge.services import _color_distance, _UploadProgress
from flashforge_emulator import Clock, Emulator, FaultKind, Status

from ..conftest import EmulatorFactory
from .conftest import entry_for

ONE_TOOL_PLA = "; filament_type = PLA\n; filament_colour = #FFFFFF\n"
TWO_TOOLS = "; filament_type = PLA;PLA\n; filament_colour = #161616;#FFFFFF\n"
GREEN_PETG = "; filament_type = PETG\n; filament_colour = #0ACC38\n"
BLUE_ABS = "; filament_type = ABS\n; filament_colour = #2750E0\n"


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


@pytest.fixture
async def printer(
    emulator_factory: EmulatorFactory,
) -> AsyncIterator[Emulator]:
    """Return a 5M Pro whose clock moves only when told."""
    async with emulator_factory(
        "5m-pro", command_seconds=0, clock=Clock.manual()
    ) as emu:
        yield emu


@pytest.fixture
async def ad5x(emulator_factory: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return an AD5X whose clock moves only when told."""
    async with emulator_factory("ad5x", command_seconds=0, clock=Clock.manual()) as emu:
        yield emu


@pytest.fixture
async def device_id(hass: HomeAssistant, printer: Emulator) -> str:
    """Return the device id of the set-up 5M Pro."""
    return await add_printer(hass, printer)


@pytest.fixture
async def ad5x_id(hass: HomeAssistant, ad5x: Emulator) -> str:
    """Return the device id of the set-up AD5X."""
    return await add_printer(hass, ad5x)


async def call(
    hass: HomeAssistant, service: str, data: dict[str, Any], **kwargs: Any
) -> Any:
    """Call a FlashForge action and wait for it."""
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, **kwargs
    )


# Registration


async def test_actions_are_described(hass: HomeAssistant, device_id: str) -> None:
    """The actions are registered with descriptions from services.yaml."""
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]

    assert set(descriptions) == {"upload_file", "print_file", "list_files"}
    assert set(descriptions["upload_file"]["fields"]) == {
        "device_id",
        "file_path",
        "file_name",
        "print_now",
        "leveling_before_print",
        "material_mappings",
    }


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


@pytest.mark.parametrize(
    ("file_name", "key"),
    [
        ("sub/part.gcode", "invalid_file_name"),
        ("..\\part.gcode", "invalid_file_name"),
        ('say "hi".gcode', "invalid_file_name"),
        ("part\n.gcode", "invalid_file_name"),
        ("part\x00.gcode", "invalid_file_name"),
        (" part.gcode", "invalid_file_name"),
        ("part.txt", "file_name_extension"),
        ("part.3mf", "file_name_extension"),
        ("x" * 250 + ".gcode", "file_name_too_long"),
        ("\u00e9" * 128 + ".gcode", "file_name_too_long"),
    ],
)
async def test_upload_refuses_file_name(
    hass: HomeAssistant,
    *,
    printer: Emulator,
    device_id: str,
    media: Path,
    file_name: str,
    key: str,
) -> None:
    """Names with separators, quotes or control characters, or another type, are refused."""
    write(media, "part.gcode", gcode())

    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "upload_file",
            {
                "device_id": device_id,
                "file_path": str(media / "part.gcode"),
                "file_name": file_name,
            },
        )

    assert err.value.translation_key == key
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
    assert printer.request_counts["/uploadGcode"] == 0


async def test_upload_to_offline_printer(
    hass: HomeAssistant, printer: Emulator, device_id: str, media: Path
) -> None:
    """An offline printer gets an error naming it, and nothing is sent."""
    write(media, "part.gcode", gcode())
    await printer.go_offline()

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "upload_file",
            {"device_id": device_id, "file_path": str(media / "part.gcode")},
        )

    assert err.value.translation_key == "printer_offline"
    assert err.value.translation_placeholders == {"name": "Adventurer 5M Pro"}


@pytest.mark.parametrize(
    ("status", "key"),
    [
        (Status.PRINTING, "already_printing"),
        (Status.PAUSED, "already_printing"),
        (Status.HEATING, "already_printing"),
        (Status.COMPLETED, "platform_not_cleared"),
        (Status.CANCEL, "platform_not_cleared"),
        (Status.BUSY, "printer_not_ready"),
        (Status.CALIBRATE_DOING, "printer_not_ready"),
        (Status.ERROR, "printer_not_ready"),
    ],
)
async def test_print_now_refused_unless_ready(
    hass: HomeAssistant,
    *,
    printer: Emulator,
    device_id: str,
    media: Path,
    status: Status,
    key: str,
) -> None:
    """print_now on a printer that cannot start a job sends nothing."""
    write(media, "part.gcode", gcode())
    printer.printer.status = status

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "upload_file",
            {
                "device_id": device_id,
                "file_path": str(media / "part.gcode"),
                "print_now": True,
            },
        )

    assert err.value.translation_key == key
    assert printer.request_counts["/uploadGcode"] == 0
    assert printer.printer.job is None


async def test_upload_dropped_midway(
    hass: HomeAssistant, printer: Emulator, device_id: str, media: Path
) -> None:
    """A connection lost halfway fails the action, stores and prints nothing."""
    data = gcode(size=2 * 1024 * 1024)
    write(media, "part.gcode", data)
    printer.add_fault(
        FaultKind.DROP, path="/uploadGcode", count=1, after_bytes=len(data) // 2
    )

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "upload_file",
            {
                "device_id": device_id,
                "file_path": str(media / "part.gcode"),
                "print_now": True,
            },
        )

    assert err.value.translation_key == "upload_failed"
    assert err.value.translation_placeholders == {
        "file_name": "part.gcode",
        "name": "Adventurer 5M Pro",
    }
    assert "part.gcode" not in printer.files
    assert printer.printer.job is None
    assert printer.printer.status is Status.READY


async def test_upload_answered_busy(
    hass: HomeAssistant, printer: Emulator, device_id: str, media: Path
) -> None:
    """A printer that answers Busy gets the shared command error."""
    write(media, "part.gcode", gcode())
    printer.add_fault(FaultKind.BUSY, path="/uploadGcode", count=1)

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "upload_file",
            {"device_id": device_id, "file_path": str(media / "part.gcode")},
        )

    assert err.value.translation_key == "printer_busy"
    assert "part.gcode" not in printer.files


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


def printer_client(hass: HomeAssistant, index: int = 0) -> Any:
    """Return the client of a set-up printer."""
    return hass.config_entries.async_entries(DOMAIN)[index].runtime_data.printer


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


@pytest.mark.parametrize(
    ("service", "path", "data", "key"),
    [
        (
            "print_file",
            "/printGcode",
            {"file_name": "Calibration_Cube.gcode"},
            "command_cannot_connect",
        ),
        ("upload_file", "/uploadGcode", {"file_path": "part.gcode"}, "upload_failed"),
    ],
)
async def test_lost_connection_is_not_read_again(
    hass: HomeAssistant,
    *,
    printer: Emulator,
    device_id: str,
    media: Path,
    service: str,
    path: str,
    data: dict[str, str],
    key: str,
) -> None:
    """A command whose connection broke fails at once, without reading the printer after."""
    write(media, "part.gcode", gcode())
    if "file_path" in data:
        data = {"file_path": str(media / data["file_path"])}
    printer.add_fault(FaultKind.DROP, path=path, count=1)
    reads = printer.request_counts["/detail"]

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, service, {"device_id": device_id, **data})

    assert err.value.translation_key == key
    # The one read is the check before the command.
    assert printer.request_counts["/detail"] == reads + 1
    assert (
        hass.config_entries.async_entries(DOMAIN)[0].runtime_data.last_update_success
        is False
    )


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


async def test_unknown_device(hass: HomeAssistant, device_id: str) -> None:
    """A device id that does not exist is refused."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "list_files", {"device_id": "nope"}, return_response=True)

    assert err.value.translation_key == "service_device_not_found"


async def test_device_of_another_integration(
    hass: HomeAssistant, device_id: str
) -> None:
    """A device that is not a FlashForge printer is refused."""
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "x")}
    )

    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "print_file",
            {"device_id": [device_id, device.id], "file_name": "Cube.gcode"},
        )

    assert err.value.translation_key == "service_device_wrong_domain"


async def test_unloaded_printer(
    hass: HomeAssistant, printer: Emulator, device_id: str
) -> None:
    """A printer whose entry is not loaded is refused."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert await hass.config_entries.async_unload(entry.entry_id)

    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "print_file",
            {"device_id": device_id, "file_name": "Calibration_Cube.gcode"},
        )

    assert err.value.translation_key == "service_config_entry_not_loaded"
    assert printer.request_counts["/printGcode"] == 0


async def test_two_printers_at_once(
    hass: HomeAssistant,
    emulator_factory: EmulatorFactory,
    media: Path,
) -> None:
    """One call sends the same bytes to two printers and prints on both."""
    data = gcode(size=600_000)
    write(media, "part.gcode", data)
    async with (
        emulator_factory("5m-pro", command_seconds=0, clock=Clock.manual()) as first,
        emulator_factory("5m", command_seconds=0, clock=Clock.manual()) as second,
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
    emulator_factory: EmulatorFactory,
    media: Path,
) -> None:
    """When one printer is offline, nothing is sent to the other either."""
    write(media, "part.gcode", gcode())
    async with (
        emulator_factory("5m-pro", command_seconds=0, clock=Clock.manual()) as first,
        emulator_factory("5m", command_seconds=0, clock=Clock.manual()) as second,
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
    emulator_factory: EmulatorFactory,
    media: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failure on one printer is raised once the other upload has finished."""
    data = gcode(size=1_000_000)
    write(media, "part.gcode", data)
    async with (
        emulator_factory("5m-pro", command_seconds=0, clock=Clock.manual()) as first,
        emulator_factory("5m", command_seconds=0, clock=Clock.manual()) as second,
        emulator_factory("5m", command_seconds=0, clock=Clock.manual()) as third,
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


async def unload_all(hass: HomeAssistant) -> None:
    """Unload every printer before its emulator stops."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        assert await hass.config_entries.async_unload(entry.entry_id)


# print_file


async def test_print_stored_file(
    hass: HomeAssistant, printer: Emulator, device_id: str
) -> None:
    """print_file starts a stored file without the material station."""
    await call(
        hass,
        "print_file",
        {"device_id": device_id, "file_name": "Calibration_Cube.gcode"},
    )

    job = printer.printer.job
    assert (job.file_name, job.leveling, job.use_matl_station, job.mappings) == (
        "Calibration_Cube.gcode",
        True,
        False,
        [],
    )


async def test_print_missing_file(
    hass: HomeAssistant, printer: Emulator, device_id: str
) -> None:
    """A file the printer does not have is named in the error."""
    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass, "print_file", {"device_id": device_id, "file_name": "Nope.gcode"}
        )

    assert err.value.translation_key == "file_not_on_printer"
    assert err.value.translation_placeholders == {
        "file_name": "Nope.gcode",
        "name": "Adventurer 5M Pro",
    }


@pytest.mark.parametrize(
    ("file_name", "key"),
    [
        ("../x.gcode", "invalid_file_name"),
        ("x" * 250 + ".gcode", "file_name_too_long"),
        ("\u00e9" * 128 + ".gcode", "file_name_too_long"),
    ],
    ids=["path separator", "256 bytes", "262 bytes in 134 characters"],
)
async def test_print_refuses_bad_name(
    hass: HomeAssistant, printer: Emulator, device_id: str, file_name: str, key: str
) -> None:
    """A name the printer cannot hold is refused before the printer is asked."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "print_file", {"device_id": device_id, "file_name": file_name})

    assert err.value.translation_key == key
    assert printer.request_counts["/printGcode"] == 0


async def test_print_while_printing(
    hass: HomeAssistant, printer: Emulator, device_id: str
) -> None:
    """A second print is refused with a message saying the printer prints."""
    data = {"device_id": device_id, "file_name": "Calibration_Cube.gcode"}
    await call(hass, "print_file", data)

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "print_file", data)

    assert err.value.translation_key == "already_printing"
    assert printer.request_counts["/printGcode"] == 1


async def test_print_on_offline_printer(
    hass: HomeAssistant, printer: Emulator, device_id: str
) -> None:
    """An offline printer is reported as such."""
    await printer.go_offline()

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "print_file",
            {"device_id": device_id, "file_name": "Calibration_Cube.gcode"},
        )

    assert err.value.translation_key == "printer_offline"


async def test_print_answered_busy(
    hass: HomeAssistant, printer: Emulator, device_id: str
) -> None:
    """A Busy answer to the print command is the shared busy error."""
    printer.add_fault(FaultKind.BUSY, path="/printGcode", count=1)

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass,
            "print_file",
            {"device_id": device_id, "file_name": "Calibration_Cube.gcode"},
        )

    assert err.value.translation_key == "printer_busy"
    assert printer.printer.job is None


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


async def test_list_files_offline(
    hass: HomeAssistant, printer: Emulator, device_id: str
) -> None:
    """An offline printer fails the listing."""
    await printer.go_offline()

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "list_files", {"device_id": device_id}, return_response=True)

    assert err.value.translation_key == "printer_offline"


async def test_list_files_bad_answer(
    hass: HomeAssistant, printer: Emulator, device_id: str
) -> None:
    """An unreadable answer is the shared command error."""
    printer.add_fault(FaultKind.INVALID_JSON, path="/gcodeList", count=1)

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "list_files", {"device_id": device_id}, return_response=True)

    assert err.value.translation_key == "command_failed"


# AD5X material mappings


def job_mappings(emulator: Emulator) -> list[tuple[int, int]]:
    """Return the (tool, slot) pairs of the running job."""
    job = emulator.printer.job
    assert job is not None
    assert job.use_matl_station
    return [(m["toolId"], m["slotId"]) for m in job.mappings]


@pytest.mark.parametrize(
    ("file_name", "mappings", "expected"),
    [
        # Without mappings, the file's tools are mapped automatically.
        ("Cube_PLA.gcode", None, [(0, 1)]),
        ("Keychain_2Color.gcode", "auto", [(0, 1), (1, 2)]),
        ("Keychain_2Color.gcode", "AUTO", [(0, 1), (1, 2)]),
        ("Fish_PETG.3mf", None, [(0, 3)]),
        (
            "Keychain_2Color.gcode",
            [{"tool_id": 1, "slot_id": 1}, {"tool_id": 0, "slot_id": 2}],
            [(0, 2), (1, 1)],
        ),
    ],
)
async def test_print_on_ad5x(
    hass: HomeAssistant,
    *,
    ad5x: Emulator,
    ad5x_id: str,
    file_name: str,
    mappings: Any,
    expected: list[tuple[int, int]],
) -> None:
    """Stored files print through the station, mapped automatically or as given."""
    data: dict[str, Any] = {"device_id": ad5x_id, "file_name": file_name}
    if mappings is not None:
        data["material_mappings"] = mappings

    await call(hass, "print_file", data)

    assert job_mappings(ad5x) == expected


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


async def test_print_without_station(
    hass: HomeAssistant, ad5x: Emulator, ad5x_id: str
) -> None:
    """An empty list prints without the material station."""
    await call(
        hass,
        "print_file",
        {
            "device_id": ad5x_id,
            "file_name": "Cube_PLA.gcode",
            "material_mappings": [],
        },
    )

    job = ad5x.printer.job
    assert (job.use_matl_station, job.mappings) == (False, [])


@pytest.mark.parametrize(
    ("file_name", "mappings", "key", "placeholders"),
    [
        (
            "Cube_PLA.gcode",
            [{"tool_id": 0, "slot_id": 5}],
            "slot_not_found",
            {"slot": "5", "name": "AD5X"},
        ),
        (
            "Cube_PLA.gcode",
            [{"tool_id": 0, "slot_id": 4}],
            "slot_empty",
            {"slot": "4", "name": "AD5X"},
        ),
        (
            "Keychain_2Color.gcode",
            [{"tool_id": 0, "slot_id": 1}, {"tool_id": 0, "slot_id": 2}],
            "duplicate_tool",
            {"tool": "0", "file_name": "Keychain_2Color.gcode"},
        ),
        (
            "Cube_PLA.gcode",
            [{"tool_id": 1, "slot_id": 1}],
            "unknown_tool",
            {"tool": "1", "file_name": "Cube_PLA.gcode"},
        ),
        (
            "Keychain_2Color.gcode",
            [{"tool_id": 0, "slot_id": 1}],
            "tool_not_mapped",
            {"tool": "1", "file_name": "Keychain_2Color.gcode"},
        ),
        (
            "Unlisted.gcode",
            [{"tool_id": 1, "slot_id": 1}],
            "unknown_tool",
            {"tool": "1", "file_name": "Unlisted.gcode"},
        ),
        (
            "Unlisted.gcode",
            "auto",
            "file_tools_unknown",
            {"file_name": "Unlisted.gcode", "name": "AD5X"},
        ),
    ],
)
async def test_ad5x_mapping_refused(
    hass: HomeAssistant,
    *,
    ad5x: Emulator,
    ad5x_id: str,
    file_name: str,
    mappings: Any,
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Mappings that do not fit the station or the file are refused before printing."""
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "print_file",
            {
                "device_id": ad5x_id,
                "file_name": file_name,
                "material_mappings": mappings,
            },
        )

    assert err.value.translation_key == key
    assert err.value.translation_placeholders == placeholders
    assert ad5x.request_counts["/printGcode"] == 0


async def test_mappings_on_printer_without_station(
    hass: HomeAssistant, printer: Emulator, device_id: str
) -> None:
    """A printer without a material station refuses a list of mappings."""
    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "print_file",
            {
                "device_id": device_id,
                "file_name": "Calibration_Cube.gcode",
                "material_mappings": [{"tool_id": 0, "slot_id": 1}],
            },
        )

    assert err.value.translation_key == "no_material_station"


@pytest.mark.parametrize("mappings", ["auto", []])
async def test_auto_on_printer_without_station(
    hass: HomeAssistant, printer: Emulator, device_id: str, mappings: Any
) -> None:
    """auto and an empty list mean no mapping on a printer without a station."""
    await call(
        hass,
        "print_file",
        {
            "device_id": device_id,
            "file_name": "Calibration_Cube.gcode",
            "material_mappings": mappings,
        },
    )

    assert printer.printer.job.use_matl_station is False


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (ONE_TOOL_PLA, [(0, 1)]),
        (GREEN_PETG, [(0, 3)]),
        # The exact colour wins over the first slot of the material.
        (TWO_TOOLS, [(0, 2), (1, 1)]),
        # Without an exact colour, the nearest one among unused slots.
        ("; filament_type = PLA\n; filament_colour = #202020\n", [(0, 2)]),
        (
            "; filament_type = PLA;PLA\n; filament_colour = #FFFFFF;#FEFEFE\n",
            [(0, 1), (1, 2)],
        ),
        # Without a colour, any slot of the material.
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


@pytest.mark.parametrize(
    ("header", "mappings", "key"),
    [
        (BLUE_ABS, None, "no_matching_slot"),
        (BLUE_ABS, "auto", "no_matching_slot"),
        ("", None, "file_tools_unknown"),
        (ONE_TOOL_PLA, [{"tool_id": 0, "slot_id": 4}], "slot_empty"),
    ],
)
async def test_upload_mapping_refused(
    hass: HomeAssistant,
    *,
    ad5x: Emulator,
    ad5x_id: str,
    media: Path,
    header: str,
    mappings: Any,
    key: str,
) -> None:
    """A file no slot fits is refused before anything is sent."""
    write(media, "part.gcode", gcode(header))
    data: dict[str, Any] = {
        "device_id": ad5x_id,
        "file_path": str(media / "part.gcode"),
        "print_now": True,
    }
    if mappings is not None:
        data["material_mappings"] = mappings

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "upload_file", data)

    assert err.value.translation_key == key
    assert ad5x.request_counts["/uploadGcode"] == 0


async def test_unmatched_tool_is_named(
    hass: HomeAssistant, ad5x: Emulator, ad5x_id: str, media: Path
) -> None:
    """The error names the tool, material and colour no slot has."""
    write(
        media,
        "part.gcode",
        gcode("; filament_type = PLA;ABS\n; filament_colour = #FFFFFF;#2750E0\n"),
    )

    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "upload_file",
            {
                "device_id": ad5x_id,
                "file_path": str(media / "part.gcode"),
                "print_now": True,
            },
        )

    assert err.value.translation_key == "no_matching_slot"
    assert err.value.translation_placeholders == {
        "tool": "1",
        "material": "ABS",
        "color": "#2750E0",
        "file_name": "part.gcode",
        "name": "AD5X",
    }


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


async def test_mappings_need_print_now(
    hass: HomeAssistant, ad5x: Emulator, ad5x_id: str, media: Path
) -> None:
    """A list of mappings without print_now is a mistake worth reporting."""
    write(media, "part.gcode", gcode())

    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "upload_file",
            {
                "device_id": ad5x_id,
                "file_path": str(media / "part.gcode"),
                "material_mappings": [{"tool_id": 0, "slot_id": 1}],
            },
        )

    assert err.value.translation_key == "mappings_without_print"


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


async def test_schema_refuses_bad_mappings(hass: HomeAssistant, ad5x_id: str) -> None:
    """Mappings are auto or a list of tool and slot numbers."""
    for mappings in ("closest", [{"tool_id": 0}], [{"tool_id": -1, "slot_id": 1}]):
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


def test_progress_is_logged_in_tenths(caplog: pytest.LogCaptureFixture) -> None:
    """Small chunks log at most once per tenth; a big one skips the tenths it crossed."""
    progress = _UploadProgress("Printer", "part.gcode")
    with caplog.at_level(logging.DEBUG, logger="custom_components.flashforge"):
        for sent in range(0, 1001, 7):
            progress(sent, 1000)
        progress(1000, 1000)

    assert re.findall(r": (\d+)%", caplog.text) == [
        "10",
        "20",
        "30",
        "40",
        "50",
        "60",
        "70",
        "80",
        "90",
        "100",
    ]


@pytest.mark.parametrize(
    ("first", "second", "distance"),
    [
        ("#000000", "#000003", 3.0),
        ("#000000", None, float("inf")),
        ("#GGGGGG", "#000000", float("inf")),
        ("#FFF", "#000000", float("inf")),
    ],
)
def test_color_distance(first: str, second: str | None, distance: float) -> None:
    """Colours compare by RGB distance; unreadable ones never win."""
    assert _color_distance(first, second) == distance
