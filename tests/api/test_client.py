"""Tests for the client against the emulator over loopback HTTP."""

import asyncio
from collections.abc import Awaitable, Callable
import logging
import socket

import aiohttp
import pytest

from custom_components.flashforge.api import (
    FlashForgeAuthenticationError,
    FlashForgeBusyError,
    FlashForgeCommandError,
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeHttpClient,
    FlashForgeNotFoundError,
    FlashForgeResponseError,
    FlashForgeTimeoutError,
    MachineStatus,
)
from flashforge_emulator import Emulator, FaultKind

from .conftest import ClientFactory

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def start_print(client: FlashForgeHttpClient) -> str:
    """Start printing the first file on the printer and return its name."""
    name = (await client.recent_files())[0].name
    await client.print_file(name)
    return name


async def test_detail(client: FlashForgeHttpClient, emulator: Emulator) -> None:
    """The detail answer is parsed into the emulator's values."""
    detail = await client.detail()

    served = emulator.detail()
    assert detail.name == served["name"]
    assert detail.pid == 36
    assert detail.status is MachineStatus.READY
    assert detail.firmware_version == served["firmwareVersion"]
    assert detail.mac_address == served["macAddr"]
    assert detail.raw == served


async def test_a_repeated_detail_is_parsed_once(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """The same answer gives the same detail; a changed one is parsed anew."""
    first = await client.detail()
    again = await client.detail()
    emulator.printer.light_on = not emulator.printer.light_on
    changed = await client.detail()

    assert again is first
    assert changed is not first
    assert changed.light_on is not first.light_on


async def test_a_refused_detail_after_a_good_one_still_raises(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """Nothing of the last answer stands in for a failing one."""
    good = await client.detail()
    emulator.add_fault(FaultKind.HTML_ERROR, path="/detail", count=1)

    with pytest.raises(FlashForgeResponseError):
        await client.detail()
    assert await client.detail() is good


async def test_product(client: FlashForgeHttpClient) -> None:
    """The 5M Pro lets a client control its light and filtration."""
    product = await client.product()

    assert product.light_control is True
    assert product.internal_fan_control is True
    assert product.external_fan_control is True


async def test_recent_files(client: FlashForgeHttpClient, emulator: Emulator) -> None:
    """The file list holds the printer's files, at most ten."""
    files = await client.recent_files()

    assert files
    assert len(files) <= 10
    assert {file.name for file in files} <= set(emulator.files)


async def test_recent_files_on_an_ad5x_carry_tools(
    emulator_factory: Callable[..., Emulator], make_client: ClientFactory
) -> None:
    """The AD5X lists each file's tools and materials."""
    async with emulator_factory(model="ad5x") as emulator:
        files = await make_client(emulator).recent_files()

    assert any(file.tools for file in files)
    tool = next(tool for file in files for tool in file.tools)
    assert tool.material_name
    assert tool.material_color is not None


async def test_thumbnail(client: FlashForgeHttpClient) -> None:
    """A file's thumbnail arrives as PNG bytes."""
    name = (await client.recent_files())[0].name

    image = await client.thumbnail(name)

    assert image.startswith(PNG_SIGNATURE)


async def test_thumbnail_of_an_unknown_file(client: FlashForgeHttpClient) -> None:
    """An unknown file is code 4, a distinct error."""
    with pytest.raises(FlashForgeNotFoundError) as info:
        await client.thumbnail("missing.gcode")

    assert info.value.code == 4


async def test_thumbnail_on_an_ad5x_is_not_available(
    emulator_factory: Callable[..., Emulator], make_client: ClientFactory
) -> None:
    """The AD5X has no /gcodeThumb: an HTTP error, not a crash."""
    async with emulator_factory(model="ad5x") as emulator:
        client = make_client(emulator)
        name = (await client.recent_files())[0].name
        with pytest.raises(FlashForgeResponseError):
            await client.thumbnail(name)


async def test_print_file_runs_a_print(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """A stored file starts printing, and the job shows in the detail."""
    name = await start_print(client)

    detail = await client.detail()
    assert detail.status in {MachineStatus.HEATING, MachineStatus.PRINTING}
    assert detail.print_file_name == name
    emulator.advance(3600)
    assert (await client.detail()).status is MachineStatus.COMPLETED


async def test_print_of_an_unknown_file(client: FlashForgeHttpClient) -> None:
    """Printing a file the printer lacks is code 4."""
    with pytest.raises(FlashForgeNotFoundError):
        await client.print_file("missing.gcode")


async def test_second_print_is_refused(client: FlashForgeHttpClient) -> None:
    """A printer that is printing refuses another job with a message."""
    name = await start_print(client)

    with pytest.raises(FlashForgeCommandError) as info:
        await client.print_file(name)

    assert info.value.code != 0
    assert info.value.message


@pytest.mark.parametrize(
    ("command", "field", "value"),
    [
        (lambda c: c.set_light(True), "lightStatus", "open"),
        (lambda c: c.set_light(False), "lightStatus", "close"),
        (lambda c: c.set_camera_stream(False), "cameraStreamUrl", ""),
        (
            lambda c: c.set_filtration(internal=True, external=False),
            "internalFanStatus",
            "open",
        ),
        (
            lambda c: c.set_filtration(internal=False, external=True),
            "externalFanStatus",
            "open",
        ),
        (lambda c: c.set_printer_controls(speed=120), "printSpeedAdjust", 120),
        (lambda c: c.set_printer_controls(z_offset=0.05), "zAxisCompensation", 0.05),
        (lambda c: c.set_printer_controls(cooling_fan=40), "coolingFanSpeed", 40),
        (lambda c: c.set_printer_controls(chamber_fan=70), "chamberFanSpeed", 70),
        (lambda c: c.set_temperatures(nozzle=200), "rightTargetTemp", 200),
        (lambda c: c.set_temperatures(bed=55), "platTargetTemp", 55),
        (
            lambda c: c.set_auto_shutdown(enabled=True, minutes=20),
            "autoShutdown",
            "open",
        ),
        (
            lambda c: c.set_auto_shutdown(enabled=True, minutes=20),
            "autoShutdownTime",
            20,
        ),
    ],
)
async def test_controls_change_the_printer(
    client: FlashForgeHttpClient,
    emulator: Emulator,
    command: Callable[[FlashForgeHttpClient], Awaitable[None]],
    field: str,
    value: object,
) -> None:
    """Each control command shows up in the printer's detail."""
    await command(client)

    assert emulator.detail()[field] == pytest.approx(value)


async def test_camera_stream_on_gives_a_url(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """Turning the stream on publishes its address."""
    await client.set_camera_stream(False)
    await client.set_camera_stream(True)

    url = (await client.detail()).camera_stream_url
    assert url == f"http://{emulator.host}:{emulator.camera_port}/?action=stream"


async def test_turning_a_heater_off_sends_the_off_sentinel(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """A target of 0 is sent as the firmware's -100 "off"."""
    await client.set_temperatures(bed=60)
    await client.set_temperatures(bed=0)

    assert emulator.commands[-1] == ("temperatureCtl_cmd", {"platform": -100})
    assert emulator.detail()["platTargetTemp"] == 0


async def test_printer_controls_send_only_what_changes(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """Omitted settings are not sent, so the user's settings survive."""
    await client.set_printer_controls(cooling_fan=30)
    await client.set_printer_controls(speed=110)

    assert [args for _cmd, args in emulator.commands[-2:]] == [
        {"coolingFan": 30},
        {"speed": 110},
    ]
    assert emulator.detail()["coolingFanSpeed"] == 30


async def test_a_command_without_values_is_refused(
    client: FlashForgeHttpClient,
) -> None:
    """Nothing to change is a programming error, caught before sending."""
    with pytest.raises(ValueError, match="at least one"):
        await client.set_printer_controls()


async def test_job_control(client: FlashForgeHttpClient, emulator: Emulator) -> None:
    """Pause, resume, cancel and clear walk the printer through its states."""
    await start_print(client)
    emulator.advance(1)

    await client.pause_print()
    emulator.advance(5)
    assert (await client.detail()).status is MachineStatus.PAUSED
    await client.resume_print()
    assert (await client.detail()).status is MachineStatus.PRINTING
    await client.cancel_print()
    assert (await client.detail()).status is MachineStatus.CANCEL
    await client.clear_platform()
    assert (await client.detail()).status is MachineStatus.READY


async def test_pause_when_idle_is_refused(client: FlashForgeHttpClient) -> None:
    """A command the state forbids comes back with the printer's reason."""
    with pytest.raises(FlashForgeCommandError) as info:
        await client.pause_print()

    assert not isinstance(info.value, FlashForgeBusyError)
    assert info.value.message


async def test_wrong_check_code(
    emulator: Emulator, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """Code 3 is an authentication error that does not quote the code."""
    caplog.set_level(logging.DEBUG)
    client = make_client(emulator, check_code="87654321")

    with pytest.raises(FlashForgeAuthenticationError) as info:
        await client.detail()

    assert "87654321" not in str(info.value)
    assert "87654321" not in repr(client)
    assert "87654321" not in caplog.text


async def test_wrong_serial(emulator: Emulator, make_client: ClientFactory) -> None:
    """A serial that is not the printer's is rejected too."""
    client = FlashForgeHttpClient(
        emulator.host, "SNWRONG", emulator.check_code, port=emulator.port
    )
    async with client:
        with pytest.raises(FlashForgeAuthenticationError):
            await client.product()


async def test_changed_check_code(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """A check code changed on the printer fails the next request."""
    await client.detail()
    emulator.set_check_code("00000000")

    with pytest.raises(FlashForgeAuthenticationError):
        await client.detail()


def unused_loopback_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.usefixtures("socket_enabled")
async def test_nothing_listening() -> None:
    """A refused connection is a connection error."""
    async with FlashForgeHttpClient(
        "127.0.0.1", "SN1", "code", port=unused_loopback_port()
    ) as client:
        with pytest.raises(FlashForgeConnectionError) as info:
            await client.detail()

    assert not isinstance(info.value, FlashForgeTimeoutError)


async def test_slow_printer_times_out(
    emulator: Emulator, make_client: ClientFactory
) -> None:
    """An answer slower than the timeout is a timeout error."""
    emulator.add_fault(FaultKind.LATENCY, delay=1.0)
    client = make_client(emulator, request_timeout=0.2)

    with pytest.raises(FlashForgeTimeoutError):
        await client.detail()


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (FaultKind.DROP, FlashForgeConnectionError),
        (FaultKind.INVALID_JSON, FlashForgeResponseError),
        (FaultKind.HTML_ERROR, FlashForgeResponseError),
    ],
)
async def test_faults_map_to_client_errors(
    client: FlashForgeHttpClient,
    emulator: Emulator,
    fault: FaultKind,
    error: type[FlashForgeError],
) -> None:
    """Each transport or protocol fault surfaces as the client's own error."""
    emulator.add_fault(fault, path="/detail", count=1)

    with pytest.raises(error):
        await client.detail()
    assert (await client.detail()).name is not None


async def test_busy_is_distinguishable(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """Code 5 is a busy error carrying the code."""
    emulator.add_fault(FaultKind.BUSY, count=1)

    with pytest.raises(FlashForgeBusyError) as info:
        await client.set_light(True)

    assert info.value.code == 5


async def test_offline_and_back(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """A printer that goes away fails requests, and works again on return."""
    await emulator.go_offline()
    with pytest.raises(FlashForgeConnectionError):
        await client.detail()

    await emulator.come_back()
    assert (await client.detail()).name is not None


async def test_command_storm_stays_serialised(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """Concurrent commands reach the firmware one at a time and all succeed."""
    commands = [client.set_light(index % 2 == 0) for index in range(20)]
    commands += [client.set_printer_controls(speed=100 + index) for index in range(10)]

    await asyncio.gather(*commands)

    assert emulator.max_concurrent_commands == 1
    assert len(emulator.commands) == 30


async def test_unserialised_clients_would_see_busy(
    emulator_factory: Callable[..., Emulator], make_client: ClientFactory
) -> None:
    """Two clients (two locks) do collide: the storm test can fail."""
    async with emulator_factory(command_seconds=0.05) as emulator:
        first, second = make_client(emulator), make_client(emulator)
        results = await asyncio.gather(
            first.set_light(True), second.set_light(False), return_exceptions=True
        )

    assert any(isinstance(result, FlashForgeBusyError) for result in results)


async def test_reads_do_not_wait_for_commands(
    client: FlashForgeHttpClient, emulator: Emulator
) -> None:
    """A slow command does not hold up a poll."""
    emulator.add_fault(FaultKind.LATENCY, path="/control", delay=1.0)
    command = asyncio.create_task(client.set_light(True))
    await asyncio.sleep(0.05)

    async with asyncio.timeout(0.5):
        await client.detail()

    await command


async def test_injected_session_stays_open(emulator: Emulator) -> None:
    """A session the caller passed in is the caller's to close."""
    async with aiohttp.ClientSession() as session:
        async with FlashForgeHttpClient(
            emulator.host,
            emulator.serial,
            emulator.check_code,
            port=emulator.port,
            session=session,
        ) as client:
            await client.detail()
        assert not session.closed


async def test_own_session_is_closed(emulator: Emulator) -> None:
    """A session the client made is closed with it, and close is repeatable."""
    client = FlashForgeHttpClient(
        emulator.host, emulator.serial, emulator.check_code, port=emulator.port
    )
    await client.detail()
    session = client._session
    assert session is not None

    await client.close()
    await client.close()

    assert session.closed
