"""Fuzz target 4: upload_file and print_file inputs, and what they may read."""

from collections.abc import AsyncIterator, Iterator
import contextlib
import os
from pathlib import Path
import sys
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from hypothesis import assume, event, given, strategies as st
import probatio
import pytest

from custom_components.flashforge.const import DOMAIN
from flashforge_emulator import Emulator, Status

from ..conftest import EmulatorFactory
from ..integration.conftest import entry_for
from .profiles import ACTIONS

SECRET = b"; SECRET-OUTSIDE-THE-ALLOWED-FOLDER\nG28\n"
PART = b"; filament_type = PLA\nG28\nG1 X10 Y10 E0.5\n"

# Paths opened while an action runs, recorded by an audit hook (which cannot
# be removed, so it only records while `_recording` holds a list).
_recording: list[list[str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """Record the path of every file opened while recording."""
    if event == "open" and _recording and isinstance(args[0], (str, bytes, Path)):
        _recording[-1].append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@contextlib.contextmanager
def opened_paths() -> Iterator[list[str]]:
    """Collect the paths the process opens within the block."""
    paths: list[str] = []
    _recording.append(paths)
    try:
        yield paths
    finally:
        _recording.remove(paths)


@pytest.fixture
async def printer(quick_emulator: EmulatorFactory) -> AsyncIterator[Emulator]:
    """Return a 5M Pro whose clock moves only when told."""
    async with quick_emulator("5m-pro") as emu:
        yield emu


@pytest.fixture
def folders(hass: HomeAssistant, tmp_path: Path) -> tuple[Path, Path]:
    """Return (allowed media folder, forbidden folder) with files and links."""
    media, outside = tmp_path / "media", tmp_path / "outside"
    media.mkdir()
    outside.mkdir()
    (outside / "secret.gcode").write_bytes(SECRET)
    (media / "part.gcode").write_bytes(PART)
    (media / "sub").mkdir()
    (media / "sub" / "deep.gcode").write_bytes(PART)
    (media / "link_out").symlink_to(outside)
    (media / "link_file.gcode").symlink_to(outside / "secret.gcode")
    (media / "link_in.gcode").symlink_to(media / "part.gcode")
    (media / "loop.gcode").symlink_to(media / "loop.gcode")
    hass.config.allowlist_external_dirs = {str(media)}
    return media, outside


async def add_printer(hass: HomeAssistant, emulator: Emulator) -> str:
    """Set a printer up without entities and return its device id."""
    entry = entry_for(emulator)
    entry.add_to_hass(hass)
    with patch_platforms():
        assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, emulator.serial), entry.entry_id
    )
    assert device is not None
    return device.id


def patch_platforms() -> contextlib.AbstractContextManager[Any]:
    """Set printers up without entities: the actions need none."""
    from unittest.mock import patch

    return patch("custom_components.flashforge.PLATFORMS", [])


GOOD_NAMES = ["part.gcode", "sub/../part.gcode", "link_in.gcode", "sub/deep.gcode"]

SEGMENTS = st.sampled_from(
    [
        "..",
        ".",
        "%2e%2e",
        "%2E%2E%2F",
        "..%2f",
        "..\\",
        "sub",
        "outside",
        "media",
        "link_out",
        "link_file.gcode",
        "link_in.gcode",
        "loop.gcode",
        "part.gcode",
        "secret.gcode",
        "deep.gcode",
        "part.gcode\x00.txt",
        "x" * 300,
        "",
        "~",
        "%00",
    ]
)


@st.composite
def file_paths(draw: st.DrawFn, media: Path, outside: Path) -> str:
    """Return a path built from tricky segments, anchored somewhere or nowhere."""
    if draw(st.integers(0, 3)) == 0:  # paths that should be accepted
        return str(media / draw(st.sampled_from(GOOD_NAMES)))
    anchor = draw(
        st.sampled_from([str(media), str(outside), str(media.parent), "", "/"])
    )
    parts = draw(st.lists(st.one_of(SEGMENTS, st.text(max_size=12)), max_size=6))
    separator = draw(st.sampled_from(["/", "//", "/./", "%2f"]))
    return separator.join([anchor, *parts]) if anchor else separator.join(parts)


FILE_NAME_TEXTS = st.one_of(
    st.text(max_size=40),
    st.text(max_size=20).map(lambda name: f"{name}.gcode"),
    st.sampled_from(
        [
            "../part.gcode",
            "%2e%2e%2fpart.gcode",
            "part.gcode\x00",
            "CON.gcode",
            "p" * 5000 + ".gcode",
            "part.GCODE",
            "\u202egcode.exe",
        ]
    ),
)
FILE_NAMES = st.one_of(st.none(), st.none(), FILE_NAME_TEXTS)
MAPPING_VALUES = st.one_of(
    st.integers(-3, 5), st.text(max_size=4), st.none(), st.floats(), st.booleans()
)
MAPPINGS = st.one_of(
    st.none(),
    st.none(),
    st.none(),
    st.lists(
        st.fixed_dictionaries(
            {"tool_id": st.integers(0, 3), "slot_id": st.integers(1, 4)}
        ),
        max_size=3,
    ),
    st.sampled_from(["auto", "AUTO", "none", ""]),
    st.lists(
        st.dictionaries(
            st.sampled_from(["tool_id", "slot_id", "other"]), MAPPING_VALUES, max_size=3
        ),
        max_size=3,
    ),
    st.integers(),
)


def assume_typed_no_check_code(printer: Emulator, call: dict[str, Any]) -> None:
    """Skip a call whose input holds the check code (Hypothesis mines the code's literals).

    A refusal quotes the path or name the user typed; the session's secret
    scan cannot tell the user's own text from a leak.
    """
    assume(printer.check_code not in repr(call))


def refused_properly(err: Exception) -> bool:
    """Return whether an action was refused the way users should see it."""
    if isinstance(err, HomeAssistantError):
        return err.translation_domain is not None and err.translation_key is not None
    # Schema errors come from Home Assistant's own validation of the call.
    return isinstance(err, probatio.Invalid)


@ACTIONS
@given(data=st.data())
async def test_upload_inputs(
    hass: HomeAssistant,
    printer: Emulator,
    folders: tuple[Path, Path],
    data: st.DataObject,
) -> None:
    """Every upload is accepted or refused with a translated error; nothing outside is read."""
    device_id = await add_printer_once(hass, printer)
    media, outside = folders
    call: dict[str, Any] = {
        "device_id": device_id,
        "file_path": data.draw(file_paths(media, outside), label="file_path"),
        "print_now": data.draw(st.booleans(), label="print_now"),
    }
    if (file_name := data.draw(FILE_NAMES, label="file_name")) is not None:
        call["file_name"] = file_name
    if (mappings := data.draw(MAPPINGS, label="material_mappings")) is not None:
        call["material_mappings"] = mappings
    assume_typed_no_check_code(printer, call)
    printer.printer.status = Status.READY
    printer.printer.job = None
    uploads = printer.request_counts["/uploadGcode"]

    with opened_paths() as paths:
        try:
            await hass.services.async_call(DOMAIN, "upload_file", call, blocking=True)
        except Exception as err:  # noqa: BLE001 - the property is about any error
            assert refused_properly(err), repr(err)  # noqa: PT017
            event(f"refused: {outcome(err)}")
        else:
            event("accepted")

    outside_real = os.path.realpath(outside)  # noqa: ASYNC240
    read_outside = [
        path
        for path in paths
        if os.path.realpath(path).startswith(outside_real + os.sep)  # noqa: ASYNC240
    ]
    assert not read_outside
    for stored in printer.files.values():
        assert SECRET not in stored_content(stored)
    if file_name is not None and too_long(file_name):
        assert printer.request_counts["/uploadGcode"] == uploads


def too_long(file_name: str) -> bool:
    """Return whether a name is longer than the printers store (255 bytes of UTF-8)."""
    return len(file_name.encode("utf-8", "surrogatepass")) > 255


_devices: dict[int, str] = {}


async def add_printer_once(hass: HomeAssistant, emulator: Emulator) -> str:
    """Set the printer up on the first example of a test, reuse it after."""
    key = id(hass)
    if key not in _devices:
        _devices.clear()
        _devices[key] = await add_printer(hass, emulator)
    return _devices[key]


def stored_content(stored: Any) -> bytes:
    """Return the bytes of a file stored on the emulator."""
    path = getattr(stored, "path", None)
    if isinstance(path, Path) and path.exists():
        return path.read_bytes()
    content = getattr(stored, "data", b"")
    return content if isinstance(content, bytes) else b""


@ACTIONS
@given(
    file_name=FILE_NAME_TEXTS,
    mappings=MAPPINGS,
)
async def test_print_file_inputs(
    hass: HomeAssistant,
    printer: Emulator,
    folders: tuple[Path, Path],
    file_name: str,
    mappings: Any,
) -> None:
    """print_file is accepted or refused with a translated error."""
    device_id = await add_printer_once(hass, printer)
    call: dict[str, Any] = {"device_id": device_id, "file_name": file_name}
    if mappings is not None:
        call["material_mappings"] = mappings
    assume_typed_no_check_code(printer, call)
    printer.printer.status = Status.READY
    printer.printer.job = None
    prints = printer.request_counts["/printGcode"]

    try:
        await hass.services.async_call(DOMAIN, "print_file", call, blocking=True)
    except Exception as err:  # noqa: BLE001 - the property is about any error
        assert refused_properly(err), repr(err)  # noqa: PT017
        event(f"refused: {outcome(err)}")
    else:
        event("accepted")
    if too_long(file_name):
        assert printer.request_counts["/printGcode"] == prints


def outcome(err: Exception) -> str:
    """Name a refusal for the statistics."""
    if isinstance(err, HomeAssistantError):
        return str(err.translation_key)
    return "schema"


async def test_nul_in_file_path_is_refused_with_a_translated_error(
    hass: HomeAssistant, printer: Emulator, folders: tuple[Path, Path]
) -> None:
    """A NUL in the path is refused like any other unusable path."""
    device_id = await add_printer(hass, printer)
    media, _ = folders

    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "upload_file",
            {"device_id": device_id, "file_path": f"{media}/part\x00.gcode"},
            blocking=True,
        )

    assert err.value.translation_key is not None
