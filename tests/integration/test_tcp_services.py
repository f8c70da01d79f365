"""Tests for the actions the TCP API brings: move, send_gcode, get_thumbnail, and files.

Against the emulator over loopback: a 5M Pro on both ports, the Adventurer 3
and 4 on TCP only, and the Creator 5, which has no TCP API.
"""

import asyncio
import base64
from collections.abc import AsyncIterator
import hashlib
from pathlib import Path
from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.helpers.service import async_get_all_descriptions
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockUser

from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, Status
from flashforge_emulator.images import png_to_bmp

from ..conftest import EmulatorFactory
from ..images import same_picture_as_png
from .conftest import add_printer, call

pytestmark = pytest.mark.usefixtures("no_platforms")

# The printers with the TCP API: the 5M Pro speaks HTTP as well.
TCP_MODELS = ["5m-pro", "adventurer3", "adventurer4"]
TCP_ONLY_MODELS = ["adventurer3", "adventurer4"]
# What a session and a poll send besides the work itself.
SESSION_CODES = {"M601", "M602", "M115", "M119", "M105", "M27"}


def sent(emulator: Emulator) -> list[str]:
    """Return the TCP commands received that are neither session nor poll."""
    return [
        line
        for line in emulator.tcp_commands
        if line.split(" ", 1)[0].lstrip("~").upper() not in SESSION_CODES
    ]


def store(emulator: Emulator, name: str, data: bytes = b"G28\n") -> None:
    """Put a file on the printer as an upload would."""
    files = emulator.core.store
    spool = files.open_spool(name)
    spool.write(data)
    files.finish_spool(spool, name)


@pytest.fixture(params=TCP_MODELS)
async def tcp_printer(
    request: pytest.FixtureRequest, quick_emulator: EmulatorFactory
) -> AsyncIterator[Emulator]:
    """Return each printer with the TCP API, its clock moving only when told."""
    async with quick_emulator(request.param) as emu:
        yield emu


@pytest.fixture(params=TCP_ONLY_MODELS)
async def legacy_printer(
    request: pytest.FixtureRequest, quick_emulator: EmulatorFactory
) -> AsyncIterator[Emulator]:
    """Return each printer with the TCP API only."""
    async with quick_emulator(request.param) as emu:
        yield emu


@pytest.fixture
async def pro(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro on both ports."""
    async with quick_emulator("5m-pro") as emu:
        yield emu


@pytest.fixture
def media(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Return a folder Home Assistant may read files from."""
    folder = tmp_path / "media"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


# Registration


async def test_actions_are_described(hass: HomeAssistant, pro: Emulator) -> None:
    """The TCP actions are registered with descriptions and their fields."""
    await add_printer(hass, pro)
    descriptions = (await async_get_all_descriptions(hass))[DOMAIN]

    assert set(descriptions["move"]["fields"]) == {
        "device_id",
        "x",
        "y",
        "z",
        "feed_rate",
    }
    assert set(descriptions["send_gcode"]["fields"]) == {
        "device_id",
        "gcode",
        "while_printing",
    }
    assert set(descriptions["get_thumbnail"]["fields"]) == {"device_id", "file_name"}


# move


async def test_move(hass: HomeAssistant, tcp_printer: Emulator) -> None:
    """A relative move goes out as G91, G1 and G90, and the head moves by it."""
    device_id = await add_printer(hass, tcp_printer)
    before = list(tcp_printer.printer.coordinate)

    await call(
        hass,
        "move",
        {"device_id": device_id, "x": 10, "y": 2.5, "z": 1, "feed_rate": 1200},
    )

    assert sent(tcp_printer)[-3:] == ["~G91", "~G1 X10 Y2.5 Z1 F1200", "~G90"]
    assert tcp_printer.printer.coordinate == pytest.approx(
        [before[0] + 10, before[1] + 2.5, before[2] + 1]
    )
    assert not tcp_printer.tcp_control_held


async def test_move_takes_a_default_feed_rate(
    hass: HomeAssistant, pro: Emulator
) -> None:
    """Without a feed rate the head moves at a moderate one, on the axes given only."""
    device_id = await add_printer(hass, pro)

    await call(hass, "move", {"device_id": device_id, "z": 5})

    assert sent(pro)[-2] == "~G1 Z5 F3000"


@pytest.mark.parametrize(
    "data",
    [
        {"x": 251},
        {"y": -251},
        {"z": "nan"},
        {"x": "inf"},
        {"x": 1, "feed_rate": 0},
        {"x": 1, "feed_rate": 12001},
        {"x": "left"},
    ],
    ids=[
        "x too far",
        "y too far",
        "nan",
        "infinite",
        "feed 0",
        "feed too fast",
        "word",
    ],
)
async def test_move_schema(
    hass: HomeAssistant, pro: Emulator, data: dict[str, Any]
) -> None:
    """Distances and feed rates out of bounds are refused by the schema; nothing is sent."""
    device_id = await add_printer(hass, pro)

    with pytest.raises(probatio.Invalid):
        await call(hass, "move", {"device_id": device_id, **data})

    assert sent(pro) == []


async def test_move_nowhere(hass: HomeAssistant, pro: Emulator) -> None:
    """A move without a distance is refused, translated."""
    device_id = await add_printer(hass, pro)

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "move", {"device_id": device_id, "x": 0, "feed_rate": 600})

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "move_no_distance"
    assert sent(pro) == []


@pytest.mark.parametrize("status", [Status.PRINTING, Status.PAUSED])
async def test_move_refused_while_printing(
    hass: HomeAssistant, tcp_printer: Emulator, status: Status
) -> None:
    """A move is refused while a job runs or waits paused; nothing is sent."""
    device_id = await add_printer(hass, tcp_printer)
    tcp_printer.printer.status = status

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "move", {"device_id": device_id, "x": 5})

    assert err.value.translation_key == "control_while_printing"
    placeholders = dict(err.value.translation_placeholders or {})
    # The status as the printer spells it (the TCP API its own way).
    assert placeholders.pop("status")
    assert placeholders == {
        "name": tcp_printer.profile.default_name
        if not tcp_printer.profile.has_http
        else tcp_printer.detail()["name"]
    }
    assert sent(tcp_printer) == []


# send_gcode


@pytest.mark.parametrize(
    "gcode",
    ["M105\nM115\n", ["M105", "M115"], "; check\r\nM105 ; temperatures\r\n\r\nM115"],
    ids=["text", "list", "comments and CRLF"],
)
async def test_send_gcode(
    hass: HomeAssistant, tcp_printer: Emulator, gcode: str | list[str]
) -> None:
    """Each line goes out once; the response has each line's reply lines."""
    device_id = await add_printer(hass, tcp_printer)

    response = await call(
        hass,
        "send_gcode",
        {"device_id": device_id, "gcode": gcode},
        return_response=True,
    )

    replies = response[device_id]["replies"]
    assert [reply["gcode"] for reply in replies] == ["M105", "M115"]
    assert any(line.startswith("T0:") for line in replies[0]["reply"])
    assert any(tcp_printer.serial in line for line in replies[1]["reply"])
    session = ["~M601 S1", "~M105", "~M115", "~M602"]
    commands = tcp_printer.tcp_commands
    assert any(commands[i : i + len(session)] == session for i in range(len(commands)))
    assert not tcp_printer.tcp_control_held


async def test_send_gcode_moves(hass: HomeAssistant, tcp_printer: Emulator) -> None:
    """G-code that moves the head does so, and the order is kept."""
    device_id = await add_printer(hass, tcp_printer)

    await call(
        hass,
        "send_gcode",
        {"device_id": device_id, "gcode": "G91\nG1 X3 F600\nG90"},
        return_response=False,
    )

    assert sent(tcp_printer) == ["~G91", "~G1 X3 F600", "~G90"]


def lines(count: int) -> str:
    """Return count harmless lines."""
    return "\n".join(["M105"] * count)


@pytest.mark.parametrize(
    ("gcode", "key"),
    [
        ("", "gcode_empty"),
        ("; only a comment\n\n", "gcode_empty"),
        ("~M105", "gcode_invalid_line"),
        ("M105 ~M601 S1", "gcode_invalid_line"),
        (["M105\rM601 S1"], "gcode_invalid_line"),
        (["M105\nM601 S1"], "gcode_invalid_line"),
        ("M105\x00", "gcode_invalid_line"),
        ("M117 " + "x" * 300, "gcode_invalid_line"),
        ("M601 S1", "gcode_not_allowed"),
        ("M105\nM602", "gcode_not_allowed"),
        ("m602", "gcode_not_allowed"),
        ("M28 10 0:/user/x.gcode", "gcode_not_allowed"),
        ("M661", "gcode_not_allowed"),
        ("hello", "gcode_not_allowed"),
        (lines(65), "gcode_too_many_lines"),
    ],
    ids=[
        "empty",
        "comment only",
        "tilde",
        "tilde inside",
        "carriage return inside",
        "line feed inside a list item",
        "control character",
        "too long",
        "take control",
        "release control",
        "lower case",
        "upload",
        "binary file list",
        "no code",
        "too many lines",
    ],
)
async def test_send_gcode_refused(
    hass: HomeAssistant, pro: Emulator, gcode: str | list[str], key: str
) -> None:
    """G-code that could break the session or lock others out is refused; nothing is sent."""
    device_id = await add_printer(hass, pro)

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "send_gcode", {"device_id": device_id, "gcode": gcode})

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key
    assert sent(pro) == []
    assert not pro.tcp_control_held


async def test_send_gcode_text_is_bounded(hass: HomeAssistant, pro: Emulator) -> None:
    """A huge text is refused by the schema, before it is even split."""
    device_id = await add_printer(hass, pro)

    with pytest.raises(probatio.Invalid):
        await call(
            hass, "send_gcode", {"device_id": device_id, "gcode": "M105\n" * 100_000}
        )

    assert sent(pro) == []


async def test_send_gcode_while_printing(
    hass: HomeAssistant, tcp_printer: Emulator
) -> None:
    """While printing, G-code is refused unless the user says while_printing."""
    device_id = await add_printer(hass, tcp_printer)
    tcp_printer.printer.status = Status.PRINTING

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "send_gcode", {"device_id": device_id, "gcode": "M106"})
    assert err.value.translation_key == "gcode_while_printing"
    assert sent(tcp_printer) == []

    await call(
        hass,
        "send_gcode",
        {"device_id": device_id, "gcode": "M106", "while_printing": True},
    )
    assert sent(tcp_printer) == ["~M106"]


async def test_send_gcode_to_two_printers(
    hass: HomeAssistant, quick_emulator: EmulatorFactory
) -> None:
    """One call reaches an HTTP and a TCP-only printer; each answers in its entry."""
    async with (
        quick_emulator("5m-pro", serial="SNPRO") as pro,
        quick_emulator("adventurer3", serial="SNA3") as a3,
    ):
        ids = {await add_printer(hass, pro): pro, await add_printer(hass, a3): a3}

        response = await call(
            hass,
            "send_gcode",
            {"device_id": list(ids), "gcode": "M115"},
            return_response=True,
        )

        for device_id, emu in ids.items():
            (reply,) = response[device_id]["replies"]
            assert any(emu.serial in line for line in reply["reply"])
        for entry in hass.config_entries.async_entries(DOMAIN):
            assert await hass.config_entries.async_unload(entry.entry_id)


# Printers without the TCP API, and the administrators


@pytest.mark.parametrize(
    ("service", "data"),
    [("move", {"x": 1}), ("send_gcode", {"gcode": "M105"})],
)
async def test_refused_without_tcp(
    hass: HomeAssistant,
    creator5: Emulator,
    pro: Emulator,
    service: str,
    data: dict[str, Any],
) -> None:
    """A Creator 5 has no TCP API: refused, translated, and nothing goes to a printer beside it."""
    ids = [await add_printer(hass, pro), await add_printer(hass, creator5)]

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, {"device_id": ids, **data})

    assert err.value.translation_key == "tcp_api_required"
    assert err.value.translation_placeholders == {"name": creator5.detail()["name"]}
    assert sent(pro) == []
    assert creator5.tcp_port is None
    assert creator5.request_counts["/control"] == 0


async def test_ad5x_moves_over_http_without_tcp(
    hass: HomeAssistant, quick_emulator: EmulatorFactory
) -> None:
    """An AD5X moves over its HTTP API without the TCP API; G-code still needs TCP."""
    async with quick_emulator("ad5x", tcp_port=None) as ad5x:
        device_id = await add_printer(hass, ad5x)

        await call(hass, "move", {"device_id": device_id, "x": 5, "z": 2})

        moves = [c.args for c in ad5x.commands if c.cmd == "moveCtrl_cmd"]
        assert [(m["axis"], m["delta"]) for m in moves] == [("x", 5), ("z", 2)]
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, "send_gcode", {"device_id": device_id, "gcode": "M105"})
        assert err.value.translation_key == "tcp_api_required"
        for entry in hass.config_entries.async_entries(DOMAIN):
            assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("service", "data"),
    [("move", {"x": 1}), ("send_gcode", {"gcode": "G28"})],
)
@pytest.mark.parametrize("admin", [True, False], ids=["administrator", "user"])
async def test_for_administrators_only(
    hass: HomeAssistant,
    hass_admin_user: MockUser,
    hass_read_only_user: MockUser,
    pro: Emulator,
    *,
    service: str,
    data: dict[str, Any],
    admin: bool,
) -> None:
    """Only an administrator may move the head or send G-code."""
    device_id = await add_printer(hass, pro)
    user = hass_admin_user if admin else hass_read_only_user
    context = Context(user_id=user.id)

    if admin:
        await call(hass, service, {"device_id": device_id, **data}, context=context)
        assert sent(pro) != []
        return
    with pytest.raises(Unauthorized):
        await call(hass, service, {"device_id": device_id, **data}, context=context)
    assert sent(pro) == []


async def test_in_use_by_another_program(hass: HomeAssistant, pro: Emulator) -> None:
    """While a slicer holds control, a move is refused as in use; afterwards it goes."""
    device_id = await add_printer(hass, pro)
    reader, writer = await asyncio.open_connection(pro.host, pro.tcp_port)
    writer.write(b"~M601 S1\r\n")
    await writer.drain()
    assert b"Control Success" in await reader.readuntil(b"ok\r\n")

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "move", {"device_id": device_id, "x": 1})
    assert err.value.translation_key == "printer_in_use"

    writer.close()
    await writer.wait_closed()
    await call(hass, "move", {"device_id": device_id, "x": 1})
    assert "~G1 X1 F3000" in sent(pro)


# list_files


@pytest.mark.parametrize("model", ["5m-pro", "ad5x"])
async def test_list_files_whole_list_over_tcp(
    hass: HomeAssistant, quick_emulator: EmulatorFactory, model: str
) -> None:
    """Over TCP, an HTTP printer lists all its files, not only the 10 recent; the recent keep their details."""
    async with quick_emulator(model) as emu:
        for number in range(8):
            store(emu, f"part_{number}.gcode")
        recent = {stored.name for stored in emu.core.store.recent()}
        device_id = await add_printer(hass, emu)

        response = await call(
            hass, "list_files", {"device_id": device_id}, return_response=True
        )

        files = {file["file_name"]: file for file in response[device_id]["files"]}
        assert set(files) == set(emu.files)
        assert len(files) > len(recent) == 10
        for name, stored in emu.files.items():
            detailed = model == "ad5x" and name in recent
            assert len(files[name]["tools"]) == (len(stored.tools) if detailed else 0)
        assert any(file["tools"] for file in files.values()) is (model == "ad5x")
        assert all(
            file["printing_time"] is None
            for name, file in files.items()
            if name not in recent
        )
        await hass.config_entries.async_unload(
            hass.config_entries.async_entries(DOMAIN)[0].entry_id
        )


async def test_list_files_on_legacy_printers(
    hass: HomeAssistant, legacy_printer: Emulator
) -> None:
    """A TCP-only printer lists its files by the names it gives them, without details."""
    device_id = await add_printer(hass, legacy_printer)

    response = await call(
        hass, "list_files", {"device_id": device_id}, return_response=True
    )

    names = [file["file_name"] for file in response[device_id]["files"]]
    assert {name.rsplit("/", 1)[-1] for name in names} == set(legacy_printer.files)
    assert all(
        file["printing_time"] is None and file["tools"] == []
        for file in response[device_id]["files"]
    )


async def test_list_files_without_tcp(hass: HomeAssistant, creator5: Emulator) -> None:
    """Without the TCP API the recent files are listed, as before."""
    for number in range(12):
        store(creator5, f"part_{number:02}.gcode")
    device_id = await add_printer(hass, creator5)

    response = await call(
        hass, "list_files", {"device_id": device_id}, return_response=True
    )

    assert len(response[device_id]["files"]) == 10


# print_file and upload_file on TCP-only printers


async def test_print_listed_file(hass: HomeAssistant, legacy_printer: Emulator) -> None:
    """A file as list_files names it prints on a TCP-only printer."""
    device_id = await add_printer(hass, legacy_printer)
    response = await call(
        hass, "list_files", {"device_id": device_id}, return_response=True
    )
    file_name = response[device_id]["files"][-1]["file_name"]

    await call(hass, "print_file", {"device_id": device_id, "file_name": file_name})

    job = legacy_printer.printer.job
    assert job is not None
    assert job.file_name == file_name.rsplit("/", 1)[-1]


async def test_print_missing_file(
    hass: HomeAssistant, legacy_printer: Emulator
) -> None:
    """A file the printer does not have is named in the error."""
    device_id = await add_printer(hass, legacy_printer)

    with pytest.raises(HomeAssistantError) as err:
        await call(
            hass, "print_file", {"device_id": device_id, "file_name": "nothing.gcode"}
        )

    assert err.value.translation_key == "file_not_on_printer"
    assert legacy_printer.printer.job is None


async def test_upload_and_print(
    hass: HomeAssistant, legacy_printer: Emulator, media: Path
) -> None:
    """A file from the host arrives intact on a TCP-only printer and prints."""
    data = b"; sliced\n" + b"G1 X10 Y10 E0.5 F3000\n" * 20_000
    (media / "part.gcode").write_bytes(data)
    device_id = await add_printer(hass, legacy_printer)

    await call(
        hass,
        "upload_file",
        {
            "device_id": device_id,
            "file_path": str(media / "part.gcode"),
            "print_now": True,
        },
    )

    assert legacy_printer.files["part.gcode"].sha256 == hashlib.sha256(data).hexdigest()
    job = legacy_printer.printer.job
    assert job is not None
    assert job.file_name == "part.gcode"


@pytest.mark.parametrize(
    ("service", "data", "option"),
    [
        ("print_file", {"leveling_before_print": True}, "leveling_before_print"),
        ("print_file", {"leveling_before_print": False}, "leveling_before_print"),
        ("print_file", {"material_mappings": "auto"}, "material_mappings"),
        (
            "print_file",
            {"material_mappings": [{"tool_id": 0, "slot_id": 1}]},
            "material_mappings",
        ),
        ("upload_file", {"leveling_before_print": False}, "leveling_before_print"),
        (
            "upload_file",
            {"print_now": True, "material_mappings": "auto"},
            "material_mappings",
        ),
    ],
)
async def test_options_a_tcp_printer_lacks(
    hass: HomeAssistant,
    legacy_printer: Emulator,
    media: Path,
    service: str,
    data: dict[str, Any],
    option: str,
) -> None:
    """Levelling and material mappings are refused on a TCP-only printer, not ignored."""
    (media / "part.gcode").write_bytes(b"G28\n")
    device_id = await add_printer(hass, legacy_printer)
    target = (
        {"file_path": str(media / "part.gcode")}
        if service == "upload_file"
        else {"file_name": "Calibration_Cube.gcode"}
    )

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, {"device_id": device_id, **target, **data})

    assert err.value.translation_key == "option_not_supported"
    assert err.value.translation_placeholders == {
        "name": legacy_printer.profile.default_name,
        "option": option,
    }
    assert sent(legacy_printer) == []
    assert "part.gcode" not in legacy_printer.files


# get_thumbnail


async def thumbnail(hass: HomeAssistant, device_id: str, file_name: str) -> Any:
    """Ask for a file's thumbnail; return the printer's part of the response."""
    response = await call(
        hass,
        "get_thumbnail",
        {"device_id": device_id, "file_name": file_name},
        return_response=True,
    )
    return response[device_id]


async def test_thumbnail_of_any_file(hass: HomeAssistant, pro: Emulator) -> None:
    """Over TCP, the thumbnail of a file beyond the 10 recent is returned as base64 PNG."""
    for number in range(12):
        store(pro, f"part_{number:02}.gcode")
    oldest = min(pro.files.values(), key=lambda stored: stored.order)
    device_id = await add_printer(hass, pro)

    response = await thumbnail(hass, device_id, oldest.name)

    assert response["content_type"] == "image/png"
    assert base64.b64decode(response["image"]) == oldest.thumbnail


async def test_thumbnail_on_each_model(
    hass: HomeAssistant, tcp_printer: Emulator
) -> None:
    """Every printer with TCP returns a listed file's thumbnail."""
    device_id = await add_printer(hass, tcp_printer)
    listed = await call(
        hass, "list_files", {"device_id": device_id}, return_response=True
    )
    file_name = listed[device_id]["files"][0]["file_name"]

    response = await thumbnail(hass, device_id, file_name)

    stored = tcp_printer.files[file_name.rsplit("/", 1)[-1]]
    assert base64.b64decode(response["image"]) == stored.thumbnail


async def test_thumbnail_without_tcp(hass: HomeAssistant, creator5: Emulator) -> None:
    """Without TCP, a recent file's thumbnail comes over HTTP."""
    device_id = await add_printer(hass, creator5)
    file_name = next(iter(creator5.files))

    response = await thumbnail(hass, device_id, file_name)

    assert base64.b64decode(response["image"]) == creator5.files[file_name].thumbnail


async def test_thumbnail_of_a_bmp_is_a_png(
    hass: HomeAssistant, creator5: Emulator
) -> None:
    """A thumbnail the printer stores as a BMP is returned as a PNG, which phones show."""
    stored = next(iter(creator5.files.values()))
    png = stored.thumbnail
    stored.thumbnail = png_to_bmp(png)
    device_id = await add_printer(hass, creator5)

    response = await thumbnail(hass, device_id, stored.name)

    assert response["content_type"] == "image/png"
    assert same_picture_as_png(base64.b64decode(response["image"]), png)


@pytest.mark.parametrize(
    ("file_name", "key"),
    [("missing.gcode", "file_not_on_printer"), ("bad\nname", "invalid_file_name")],
)
async def test_thumbnail_refused(
    hass: HomeAssistant, tcp_printer: Emulator, file_name: str, key: str
) -> None:
    """A missing file or a name no command can carry is named in the error."""
    device_id = await add_printer(hass, tcp_printer)

    with pytest.raises(HomeAssistantError) as err:
        await thumbnail(hass, device_id, file_name)

    assert err.value.translation_key == key
