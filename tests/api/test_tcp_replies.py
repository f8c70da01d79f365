"""The legacy TCP API's replies: every form the references give, framed and parsed.

The captures in tests/fixtures/tcp/ are written from legacy-api.md (5M family),
networkserver_commands_adventurer3.yaml (``echo:``/``ack:`` prefixes, no
``CMD`` line on M115/M119, data on M105's ``ok`` line, the text file list)
and networkserver_commands_adventurer4.yaml; client-protocol-notes.md gives the
M119 form without colons. Each is read through the real framing, fed to a
stream as it would come off the socket.
"""

import asyncio
from pathlib import Path

import pytest

from custom_components.flashforge.api import (
    FlashForgeConnectionError,
    FlashForgeNotFoundError,
    FlashForgeResponseError,
    LegacyInfo,
    MachineStatus,
)
from custom_components.flashforge.api.tcp import Reply, ReplyReader, parse_info
from custom_components.flashforge.api.tcp.const import (
    MAX_FILES,
    MAX_LINE_BYTES,
    MAX_REPLY_LINES,
    MAX_THUMBNAIL_BYTES,
)
from custom_components.flashforge.api.tcp.replies import (
    parse_progress,
    parse_state,
    parse_temperatures,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "tcp"
PNG = (FIXTURES / "image.png").read_bytes()


def reader(*captures: str | bytes) -> ReplyReader:
    """Return a reader of the captures (fixture names or bytes), then the end."""
    stream = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    for capture in captures:
        stream.feed_data(
            capture if isinstance(capture, bytes) else (FIXTURES / capture).read_bytes()
        )
    stream.feed_eof()
    return ReplyReader(stream)


async def reply(capture: str | bytes, code: str) -> Reply:
    """Return the one reply in a capture."""
    return await reader(capture).reply(code)


INFOS = {
    "m115_5m_pro.txt": LegacyInfo(
        machine_type="Flashforge Adventurer 5M Pro",
        name="Adventurer 5M Pro",
        firmware_version="v3.1.5",
        serial_number="SNMOMC9900728",
        mac_address="88:A9:A7:97:B2:BF",
        build_volume=(220, 220, 220),
        tool_count=1,
    ),
    "m115_adventurer3.txt": LegacyInfo(
        machine_type="FlashForge Adventurer III",
        name="Workshop A3",
        firmware_version="v1.3.7",
        serial_number="SNADV3A0012",
        mac_address="88:A9:A7:00:12:34",
        build_volume=(150, 150, 150),
        tool_count=1,
    ),
    "m115_adventurer4.txt": LegacyInfo(
        machine_type="Flashforge Adventurer 4",
        name="Adventurer 4",
        firmware_version="v1.2.1-3.22",
        serial_number="SNADV4B0042",
        mac_address="88:A9:A7:00:56:78",
        build_volume=(220, 200, 250),
        tool_count=1,
    ),
}


@pytest.mark.parametrize(("capture", "expected"), INFOS.items())
async def test_info(capture: str, expected: LegacyInfo) -> None:
    """M115 in each model's form gives the same fields."""
    info = parse_info(await reply(capture, "M115"))
    assert info == expected
    assert info.unique_id == expected.serial_number


@pytest.mark.parametrize(
    ("lines", "field", "value"),
    [
        # Without a serial, the MAC tells the printer apart.
        (
            ("Machine Type: Finder", "Mac Address:88:A9:A7:00:00:01"),
            "unique_id",
            "88:A9:A7:00:00:01",
        ),
        (("Machine Type: Finder", "SN: has spaces"), "unique_id", None),
        (("Machine Type: Finder", "SN: " + "S" * 65), "serial_number", None),
        (("Machine Type: Finder", "Mac Address:not-a-mac"), "mac_address", None),
        (("Machine Type: Finder", "Tool Count: 0"), "tool_count", None),
        (("Machine Type: Finder", "Tool Count: 2"), "tool_count", 2),
        (("Machine Type: Finder", "Tool Count: 9999"), "tool_count", None),
        (("Machine Type: Finder", "X: 0 Y: 150 Z: 150"), "build_volume", None),
        (("Machine Type: " + "F" * 500,), "machine_type", "F" * 64),
        (("Machine Type: Finder", "Firmware: " + "1" * 33), "firmware_version", None),
        (("SN: SN123", "Machine Name: A\x00B"), "name", "AB"),
    ],
)
def test_info_values_in_bounds(
    lines: tuple[str, ...], field: str, value: object
) -> None:
    """A value out of its bounds is dropped or cut, never taken as it is."""
    assert getattr(parse_info(Reply("M115", lines)), field) == value


@pytest.mark.parametrize(
    "lines", [(), ("Firmware: v1.0",), ("garbage",), ("SN: not a serial",)]
)
def test_info_refused(lines: tuple[str, ...]) -> None:
    """An M115 reply with neither a machine type nor an identity is not one."""
    with pytest.raises(FlashForgeResponseError, match="M115"):
        parse_info(Reply("M115", lines))


STATES = [
    # M119, M105, M27 captures; status, raw, move mode, light, file, tools, bed,
    # progress, layer, layers
    (
        ("m119_5m_idle.txt", "m105_new_two_tools.txt", "m27_5m_idle.txt"),
        (MachineStatus.READY, "READY", "READY", True, None),
        (((17.9, 0.0), (0.0, 0.0)), (18.5, 0.0), 0.0, 0, 0),
    ),
    (
        ("m119_5m_printing.txt", "m105_old.txt", "m27_5m_printing.txt"),
        (MachineStatus.PRINTING, "BUILDING_FROM_SD", "MOVING", False, "Benchy.gcode"),
        (((22.0, 0.0),), (11.0, 0.0), 0.42, 37, 120),
    ),
    (
        ("m119_no_colons.txt", "m105_adventurer4.txt", "m27_5m_printing.txt"),
        (MachineStatus.PAUSED, "PAUSED", "PAUSED", True, "/data/Phone_Stand.gx"),
        (((210.0, 210.0),), (60.0, 60.0), 0.42, 37, 120),
    ),
    (
        (
            "m119_adventurer3.txt",
            "m105_adventurer3.txt",
            "m27_adventurer3_printing.txt",
        ),
        (MachineStatus.PRINTING, "PRINTING", "1.0", True, "calibration.g"),
        (((25.0, 0.0),), (20.0, 0.0), 0.45, None, None),
    ),
    (
        ("m119_adventurer3.txt", "m105_adventurer3.txt", "m27_adventurer3_idle.txt"),
        (MachineStatus.PRINTING, "PRINTING", "1.0", True, "calibration.g"),
        (((25.0, 0.0),), (20.0, 0.0), 0.0, None, None),
    ),
]


@pytest.mark.parametrize(("captures", "status", "figures"), STATES)
async def test_state(
    captures: tuple[str, str, str],
    status: tuple[object, ...],
    figures: tuple[object, ...],
) -> None:
    """M119, M105 and M27 in every form, read one after the other off one stream."""
    replies = reader(*captures)
    state = parse_state(
        await replies.reply("M119"),
        await replies.reply("M105"),
        await replies.reply("M27"),
    )
    assert (
        state.status,
        state.raw_status,
        state.move_mode,
        state.light_on,
        state.current_file,
    ) == status
    assert (
        state.nozzle_temperatures,
        state.bed,
        state.progress,
        state.layer,
        state.total_layers,
    ) == figures


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("READY", MachineStatus.READY),
        ("BUILDING_FROM_SD", MachineStatus.PRINTING),
        ("PAUSED", MachineStatus.PAUSED),
        ("BUILDING_COMPLETED", MachineStatus.COMPLETED),
        ("BUSY", MachineStatus.BUSY),
        ("IDLE", MachineStatus.READY),
        ("PRINTING", MachineStatus.PRINTING),
        ("HOMING", MachineStatus.BUSY),
        ("ERROR", MachineStatus.ERROR),
        ("LEVITATING", MachineStatus.UNKNOWN),
    ],
)
def test_machine_status_words(word: str, status: MachineStatus) -> None:
    """Each model's words map to the library's statuses; others are unknown."""
    state = parse_state(
        Reply("M119", (f"MachineStatus: {word}",)),
        Reply("M105", ("T0:20/0",)),
        Reply("M27", ("SD printing byte 0/0",)),
    )
    assert (state.status, state.raw_status) == (status, word)
    assert (state.light_on, state.current_file, state.bed) == (None, None, None)


def test_state_without_status_refused() -> None:
    """An M119 reply without the machine status is not one."""
    with pytest.raises(FlashForgeResponseError, match="M119"):
        parse_state(
            Reply("M119", ("LED: 1",)),
            Reply("M105", ("T0:20/0",)),
            Reply("M27", ("SD printing byte 0/0",)),
        )


@pytest.mark.parametrize(
    ("line", "tools", "bed"),
    [
        ("T0:17.9/0.0 T1:0.0/0.0 B:18.5/0.0", ((17.9, 0.0), (0.0, 0.0)), (18.5, 0.0)),
        ("T0:22 /0 B:11/0", ((22.0, 0.0),), (11.0, 0.0)),
        ("T:200/210", ((200.0, 210.0),), None),
        # A tool after a gap is not taken, nor a second bed.
        ("T0:20/0 T2:30/0 B:1/0 B:2/0", ((20.0, 0.0),), (1.0, 0.0)),
        # The first reading of a tool counts.
        ("T0:20/0 T0:99/0", ((20.0, 0.0),), None),
    ],
)
def test_temperatures(
    line: str, tools: tuple[tuple[float, float], ...], bed: tuple[float, float] | None
) -> None:
    """M105 gives (current, target) per tool, numbered from 0, and the bed's."""
    assert parse_temperatures(Reply("M105", (line,))) == (tools, bed)


@pytest.mark.parametrize(
    "line", ["B:60/60", "T0:99999/0", "T0:hot/0", "", "XT0:20/0", "T0:1e9/0"]
)
def test_temperatures_refused(line: str) -> None:
    """An M105 reply without a readable nozzle temperature is not one."""
    with pytest.raises(FlashForgeResponseError, match="M105"):
        parse_temperatures(Reply("M105", (line,)))


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("SD printing byte 0/100", "Layer: 0/0"), (0.0, 0, 0)),
        (("SD printing byte 100/100", "Layer: 120/120"), (1.0, 120, 120)),
        (("SD printing byte 12345/67890",), (12345 / 67890, None, None)),
        (("SD printing byte 0/0",), (0.0, None, None)),
        (("SD printing byte 5/0",), (None, None, None)),
        (("SD printing byte 101/100", "Layer: 121/120"), (None, None, None)),
        (("Not SD printing.",), (None, None, None)),
    ],
)
def test_progress(
    lines: tuple[str, ...], expected: tuple[float | None, int | None, int | None]
) -> None:
    """M27 gives a ratio and the layers; figures that contradict themselves are dropped."""
    assert parse_progress(Reply("M27", lines)) == expected


@pytest.mark.parametrize("line", ["", "Layer: 1/2", "SD printing byte -1/100"])
def test_progress_refused(line: str) -> None:
    """An M27 reply without progress is not one."""
    with pytest.raises(FlashForgeResponseError, match="M27"):
        parse_progress(Reply("M27", (line,)))


@pytest.mark.parametrize(
    ("capture", "lines", "error"),
    [
        ("m601_granted.txt", ("Control Success V2.1.",), None),
        ("m601_refused.txt", ("Control Failed.",), None),
        ("m601_adventurer3_granted.txt", (), None),
        ("m601_adventurer3_refused.txt", (), "Error: have been connected"),
        (b"CMD M601 Error.\r\n", (), "Error"),
        # An earlier reply's end before this one's first line is skipped.
        (b"CMD M27 Received.\r\nok\r\nCMD M601 Received.\r\nok\r\n", (), None),
        (b"echo: ack: \r\n\r\nCMD M601 Received\r\nok\r\n", (), None),
    ],
)
async def test_reply_framing(
    capture: str | bytes, lines: tuple[str, ...], error: str | None
) -> None:
    """A reply ends at ``ok``, at data on the ``ok`` line, or at the printer's error."""
    assert await reply(capture, "M601") == Reply("M601", lines, error)


async def test_stray_ok_after_data_on_ok_line() -> None:
    """After "ok <data>", a bare ok the printer may add is skipped, not taken as the next end."""
    replies = reader(
        b"CMD M105 Received.\r\nok T0:25/0 B:20/0\r\nok\r\n",
        "m27_5m_printing.txt",
    )
    assert (await replies.reply("M105")).lines == ("T0:25/0 B:20/0",)
    assert (await replies.reply("M27")).lines == (
        "SD printing byte 42/100",
        "Layer: 37/120",
    )


@pytest.mark.parametrize(
    ("capture", "error", "message"),
    [
        (
            b"CMD M115 Received.\r\n" + b"x" * (MAX_LINE_BYTES + 1),
            FlashForgeResponseError,
            "longer than",
        ),
        (
            b"CMD M115 Received.\r\n" + b"line\r\n" * MAX_REPLY_LINES,
            FlashForgeResponseError,
            "longer than",
        ),
        (b"CMD M115 Received.\r\nMachine Type: A", FlashForgeConnectionError, "closed"),
        (b"", FlashForgeConnectionError, "closed"),
    ],
)
async def test_reply_bounds(
    capture: bytes, error: type[Exception], message: str
) -> None:
    """A line without end, endless lines or a cut reply is an error, not a wait."""
    with pytest.raises(error, match=message):
        await reply(capture, "M115")


FILE_LISTS = [
    (
        "m661_5m.bin",
        [
            "/data/Mason Jar Flower Lid Wood.3mf",
            "/data/test.3mf",
            "/data/FileUploadTest.gcode",
            "/data/FlashPrintUploadTest.gcode.gx",
        ],
    ),
    ("m661_adventurer3.txt", ["calibration.g", "Phone_Stand.gx"]),
    ("m661_adventurer3_empty.txt", []),
    # The text list after an ok line, as a firmware might send it.
    (b"CMD M661 Received.\r\nok\r\ninfo_list.size: 1\r\na.g\r\n", ["a.g"]),
    (b"CMD M661 Received.\r\nok\r\nD\xaa\xaaD\x00\x00\x00\x00", []),
]


@pytest.mark.parametrize(("capture", "paths"), FILE_LISTS)
async def test_file_list(capture: str | bytes, paths: list[str]) -> None:
    """M661 in the 5M's binary form and the Adventurer 3's text form."""
    assert await reader(capture).file_list() == paths


def binary_list(*entries: bytes, count: int | None = None) -> bytes:
    """Return an M661 reply in the 5M form with raw entries."""
    total = len(entries) if count is None else count
    return (
        b"CMD M661 Received.\r\nok\r\nD\xaa\xaaD"
        + total.to_bytes(4, "big")
        + b"".join(
            b"::\xa3\xa3" + len(entry).to_bytes(4, "big") + entry for entry in entries
        )
    )


async def test_file_list_drops_paths_no_command_carries() -> None:
    """A path that is not UTF-8, or holds a line break, is left out; the rest is kept."""
    capture = binary_list(
        b"/data/a.gcode", b"/data/\xff.gcode", b"/data/b\r\n.gcode", b""
    )
    assert await reader(capture).file_list() == ["/data/a.gcode"]


@pytest.mark.parametrize(
    ("capture", "error", "message"),
    [
        (binary_list(count=MAX_FILES + 1), FlashForgeResponseError, "file count"),
        (binary_list(b"/data/" + b"a" * 2000), FlashForgeResponseError, "a path"),
        (b"CMD M661 Received.\r\nok\r\nGARBAGE!\r\n", FlashForgeResponseError, "magic"),
        (binary_list(b"/data/a.gcode")[:-3], FlashForgeConnectionError, "closed"),
        (binary_list(b"/data/a.gcode", count=2), FlashForgeConnectionError, "closed"),
        (
            b"CMD M661 Received.\r\ninfo_list.size: %d\r\n" % (MAX_FILES + 1),
            FlashForgeResponseError,
            "more than",
        ),
        (b"CMD M661 Received.\r\nError: disk\r\n", FlashForgeResponseError, "disk"),
        (b"noise\r\n" * MAX_REPLY_LINES, FlashForgeResponseError, "no list"),
    ],
)
async def test_file_list_bounds(
    capture: bytes, error: type[Exception], message: str
) -> None:
    """A count, a length or a magic out of bounds is refused before anything is read."""
    with pytest.raises(error, match=message):
        await reader(capture).file_list()


@pytest.mark.parametrize(
    "capture",
    [
        "m662_5m.bin",
        "m662_swapped.bin",
        "m662_adventurer3.bin",
        "m662_adventurer3_ok.bin",
        b"CMD M662 Received.\r\nack header length: 8\r\nok\n*\x2a\x2a\xa2"
        + len(PNG).to_bytes(4, "big")
        + PNG,
    ],
)
async def test_thumbnail(capture: str | bytes) -> None:
    """M662's image after any magic, after ok or the A3's header line (and an ok)."""
    assert await reader(capture).thumbnail() == PNG


def thumbnail(magic: bytes, length: int, data: bytes = b"") -> bytes:
    """Return an M662 reply with a given magic and length."""
    return b"CMD M662 Received.\r\nok\r\n" + magic + length.to_bytes(4, "big") + data


@pytest.mark.parametrize(
    ("capture", "error", "message"),
    [
        (
            thumbnail(b"\x2a\x2a\x2a\xa2", MAX_THUMBNAIL_BYTES + 1),
            FlashForgeResponseError,
            "longer than",
        ),
        (thumbnail(b"\x2a\x2a\x2a\xa2", 0), FlashForgeResponseError, "empty"),
        (thumbnail(b"\x89PNG", 10), FlashForgeResponseError, "magic"),
        (
            thumbnail(b"\x2a\x2a\x2a\xa2", 100, b"short"),
            FlashForgeConnectionError,
            "closed",
        ),
        ("m662_adventurer3_missing.txt", FlashForgeNotFoundError, "File not exists"),
        (b"CMD M662 Received.\r\nError: busy\r\n", FlashForgeResponseError, "busy"),
    ],
)
async def test_thumbnail_bounds(
    capture: str | bytes, error: type[Exception], message: str
) -> None:
    """A huge length, an unknown magic, a cut image or a missing file is an error."""
    with pytest.raises(error, match=message):
        await reader(capture).thumbnail()
