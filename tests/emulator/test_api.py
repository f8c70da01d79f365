"""The HTTP API: endpoints, auth, codes, commands and their effect on /detail."""

import asyncio
import base64
from typing import Any

import aiohttp
import pytest

from flashforge_emulator import Emulator, Status

from ..conftest import EmulatorFactory
from .helpers import control, detail, post

READ_PATHS = ["/checkCode", "/detail", "/product", "/gcodeList", "/gcodeThumb"]
ALL_JSON_PATHS = [*READ_PATHS, "/control", "/printGcode"]

# Every field of the 3.2.7 Details schema.
DETAIL_FIELDS_327 = {
    "autoShutdown", "autoShutdownTime", "cameraStreamUrl", "chamberFanSpeed",
    "chamberTargetTemp", "chamberTemp", "coolingFanSpeed", "cumulativeFilament",
    "cumulativePrintTime", "currentPrintSpeed", "doorStatus", "errorCode",
    "estimatedLeftLen", "estimatedLeftWeight", "estimatedRightLen", "estimatedRightWeight",
    "estimatedTime", "externalFanStatus", "fillAmount", "firmwareVersion",
    "flashRegisterCode", "internalFanStatus", "ipAddr", "leftFilamentType",
    "leftTargetTemp", "leftTemp", "lightStatus", "location", "macAddr", "measure", "name",
    "nozzleCnt", "nozzleModel", "nozzleStyle", "pid", "platTargetTemp", "platTemp",
    "polarRegisterCode", "printDuration", "printFileName", "printFileThumbUrl",
    "printLayer", "printProgress", "printSpeedAdjust", "remainingDiskSpace",
    "rightFilamentType", "rightTargetTemp", "rightTemp", "status", "targetPrintLayer",
    "tvoc", "zAxisCompensation",
}  # fmt: skip


@pytest.mark.parametrize("path", ALL_JSON_PATHS)
async def test_wrong_credentials_are_unauthorized(
    emulator: Emulator, session: aiohttp.ClientSession, path: str
) -> None:
    for creds in (
        {"serialNumber": emulator.serial, "checkCode": "wrong"},
        {"serialNumber": "SNWRONG", "checkCode": emulator.check_code},
        {},
    ):
        async with session.post(emulator.base_url + path, json=creds) as resp:
            assert resp.status == 200
            assert await resp.json() == {"code": 3, "message": "Unauthorized"}


@pytest.mark.parametrize("path", ALL_JSON_PATHS)
async def test_body_that_is_not_json_is_invalid(
    emulator: Emulator, session: aiohttp.ClientSession, path: str
) -> None:
    for body in (b"{not json", b"[1, 2]"):
        async with session.post(emulator.base_url + path, data=body) as resp:
            answer = await resp.json()
            assert answer["code"] == 2
            assert answer["message"].startswith("Invalid parameter")


async def test_check_code(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    assert await post(session, emulator, "/checkCode") == {
        "code": 0,
        "message": "Success",
    }


async def test_detail_has_every_field(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    async with session.post(
        emulator.base_url + "/detail", json=emulator.auth()
    ) as resp:
        assert resp.content_type == "application/json"
        answer = await resp.json()
    assert answer["code"] == 0
    assert answer["message"] == "Success"
    served = answer["detail"]
    assert set(served) >= DETAIL_FIELDS_327
    assert served == emulator.detail()
    assert served["pid"] == 36
    assert served["firmwareVersion"] == "3.2.7"
    assert served["status"] == "ready"
    assert served["ipAddr"] == "127.0.0.1"
    assert (
        served["cameraStreamUrl"]
        == f"http://127.0.0.1:{emulator.camera_port}/?action=stream"
    )
    assert served["printFileThumbUrl"] == ""
    assert served["chamberTemp"] == 25.0  # the 5M Pro has a chamber sensor
    assert isinstance(served["remainingDiskSpace"], float)


async def test_product_flags_for_5m_pro(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    answer = await post(session, emulator, "/product")
    assert answer["product"] == {
        "chamberTempCtrlState": 0,
        "externalFanCtrlState": 1,
        "internalFanCtrlState": 1,
        "lightCtrlState": 1,
        "nozzleTempCtrlState": 1,
        "platformTempCtrlState": 1,
    }


async def test_unknown_command_is_invalid(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    answer = await control(session, emulator, "selfDestruct_cmd")
    assert answer["code"] == 2
    assert "selfDestruct_cmd" in answer["message"]
    answer = await post(session, emulator, "/control", payload="lightControl_cmd")
    assert answer["code"] == 2


async def test_light_control(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    assert (await control(session, emulator, "lightControl_cmd", status="close"))[
        "code"
    ] == 0
    assert (await detail(session, emulator))["lightStatus"] == "close"
    assert emulator.printer.light_on is False
    assert (await control(session, emulator, "lightControl_cmd", status="open"))[
        "code"
    ] == 0
    assert (await detail(session, emulator))["lightStatus"] == "open"
    assert (await control(session, emulator, "lightControl_cmd", status="on"))[
        "code"
    ] == 2


async def test_circulation(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    answer = await control(
        session, emulator, "circulateCtl_cmd", internal="open", external="close"
    )
    assert answer["code"] == 0
    served = await detail(session, emulator)
    assert (served["internalFanStatus"], served["externalFanStatus"]) == (
        "open",
        "close",
    )
    await control(session, emulator, "circulateCtl_cmd", external="open")
    served = await detail(session, emulator)
    assert (served["internalFanStatus"], served["externalFanStatus"]) == (
        "open",
        "open",
    )
    answer = await control(session, emulator, "circulateCtl_cmd", internal="maybe")
    assert answer["code"] == 2


async def test_stream_control_changes_url(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    assert (await control(session, emulator, "streamCtrl_cmd", action="close"))[
        "code"
    ] == 0
    assert (await detail(session, emulator))["cameraStreamUrl"] == ""
    assert (await control(session, emulator, "streamCtrl_cmd", action="open"))[
        "code"
    ] == 0
    assert (await detail(session, emulator))["cameraStreamUrl"].endswith(
        "/?action=stream"
    )


async def test_delay_close_and_rename(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    answer = await control(
        session,
        emulator,
        "delayClose_cmd",
        automaticShutdown="open",
        shutdownAfterTime=45,
    )
    assert answer["code"] == 0
    served = await detail(session, emulator)
    assert (served["autoShutdown"], served["autoShutdownTime"]) == ("open", 45)
    assert (await control(session, emulator, "reName_cmd", name="Shop printer"))[
        "code"
    ] == 0
    assert (await detail(session, emulator))["name"] == "Shop printer"
    assert (await control(session, emulator, "reName_cmd", name=""))["code"] == 2
    assert (await control(session, emulator, "delayClose_cmd", automaticShutdown="x"))[
        "code"
    ] == 2


async def test_printer_control_is_partial(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    answer = await control(
        session,
        emulator,
        "printerCtl_cmd",
        zAxisCompensation=0.1,
        speed=120,
        chamberFan=40,
        coolingFan=60,
        coolingLeftFan=0,
    )
    assert answer["code"] == 0
    served = await detail(session, emulator)
    assert served["zAxisCompensation"] == 0.1
    assert served["printSpeedAdjust"] == 120
    assert served["currentPrintSpeed"] == 120
    assert served["chamberFanSpeed"] == 40
    assert served["coolingFanSpeed"] == 60

    # Only the speed: nothing else moves.
    assert (await control(session, emulator, "printerCtl_cmd", speed=80))["code"] == 0
    served = await detail(session, emulator)
    assert (
        served["printSpeedAdjust"],
        served["coolingFanSpeed"],
        served["chamberFanSpeed"],
    ) == (
        80,
        60,
        40,
    )
    assert served["zAxisCompensation"] == 0.1
    assert emulator.commands[-1] == ("printerCtl_cmd", {"speed": 80})

    # -200 means no change; out-of-range z is ignored; speed and fans clamp.
    await control(
        session,
        emulator,
        "printerCtl_cmd",
        zAxisCompensation=7.5,
        speed=-200,
        coolingFan=-200,
    )
    served = await detail(session, emulator)
    assert (
        served["zAxisCompensation"],
        served["printSpeedAdjust"],
        served["coolingFanSpeed"],
    ) == (
        0.1,
        80,
        60,
    )
    await control(session, emulator, "printerCtl_cmd", speed=400, coolingFan=255)
    served = await detail(session, emulator)
    assert (served["printSpeedAdjust"], served["coolingFanSpeed"]) == (150, 100)
    await control(session, emulator, "printerCtl_cmd", speed=10)
    assert (await detail(session, emulator))["printSpeedAdjust"] == 50
    assert (await control(session, emulator, "printerCtl_cmd", speed="fast"))[
        "code"
    ] == 2


async def test_temperature_sentinels(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    answer = await control(
        session,
        emulator,
        "temperatureCtl_cmd",
        platform=60,
        rightNozzle=200,
        leftNozzle=-200,
    )
    assert answer["code"] == 0
    served = await detail(session, emulator)
    assert (served["platTargetTemp"], served["rightTargetTemp"]) == (60.0, 200.0)
    assert served["platTemp"] == 25.0  # heating takes time
    emulator.advance(0.1)
    served = await detail(session, emulator)
    assert 25.0 < served["rightTemp"] < 200.0
    emulator.advance(1)
    served = await detail(session, emulator)
    assert (served["platTemp"], served["rightTemp"]) == (60.0, 200.0)

    # -200: no change; -100: off.
    await control(
        session, emulator, "temperatureCtl_cmd", platform=-200, rightNozzle=-100
    )
    served = await detail(session, emulator)
    assert (served["platTargetTemp"], served["rightTargetTemp"]) == (60.0, 0.0)
    emulator.advance(5)
    assert emulator.printer.nozzle_temp == 25.0

    answer = await control(session, emulator, "temperatureCtl_cmd", rightNozzle=999)
    assert answer["code"] == 2
    answer = await control(session, emulator, "temperatureCtl_cmd", rightNozzle=-50)
    assert answer["code"] == 2
    # The 5M Pro reads its chamber but cannot heat it.
    answer = await control(session, emulator, "temperatureCtl_cmd", chamber=40)
    assert answer["code"] == 1
    assert "chamber" in answer["message"]
    answer = await control(
        session, emulator, "temperatureCtl_cmd", chamber=-200, platform=50
    )
    assert answer["code"] == 0


async def print_file(
    session: aiohttp.ClientSession, emu: Emulator, name: str, **extra: Any
) -> dict[str, Any]:
    """Start printing a stored file the >= 3.1.3 way."""
    body: dict[str, Any] = {
        "fileName": name,
        "levelingBeforePrint": True,
        "flowCalibration": False,
        "useMatlStation": False,
        "gcodeToolCnt": 0,
        "materialMappings": [],
        **extra,
    }
    return await post(session, emu, "/printGcode", **body)


async def test_full_print_cycle(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    before = await detail(session, emulator)
    assert (await print_file(session, emulator, "Calibration_Cube.gcode"))["code"] == 0

    served = await detail(session, emulator)
    assert served["status"] == "heating"
    assert served["printFileName"] == "Calibration_Cube.gcode"
    assert served["printFileThumbUrl"] == f"http://127.0.0.1:{emulator.port}/getThum"
    assert (served["rightTargetTemp"], served["platTargetTemp"]) == (220.0, 60.0)
    assert served["targetPrintLayer"] == 100
    assert served["printLayer"] == 0

    emulator.advance(0.2 + 0.5)  # heating done, half the print
    served = await detail(session, emulator)
    assert served["status"] == "printing"
    assert served["printProgress"] == pytest.approx(0.5, abs=0.01)
    assert served["printLayer"] == 50
    assert served["estimatedTime"] in (0, 1)  # 0.5 s left
    assert served["printDuration"] in (0, 1)
    assert served["rightTemp"] == 220.0
    assert served["estimatedRightLen"] == pytest.approx(4150, rel=0.02)
    assert served["estimatedRightWeight"] == pytest.approx(12.4, rel=0.02)
    assert served["rightFilamentType"] == "PLA"
    assert served["fillAmount"] == 15

    # Pause: pausing, then paused; time does not move the print while paused.
    assert (await control(session, emulator, "jobCtl_cmd", jobID="", action="pause"))[
        "code"
    ] == 0
    assert emulator.printer.status == Status.PAUSING
    emulator.advance(0.1)
    assert emulator.printer.status == Status.PAUSED
    progress = emulator.printer.progress
    emulator.advance(5)
    assert emulator.printer.progress == progress
    assert (
        await control(session, emulator, "jobCtl_cmd", jobID="", action="continue")
    )["code"] == 0
    assert emulator.printer.status == Status.PRINTING

    emulator.advance(1)
    served = await detail(session, emulator)
    assert served["status"] == "completed"
    assert served["printProgress"] == 1.0
    assert served["printLayer"] == served["targetPrintLayer"] == 100
    assert (served["rightTargetTemp"], served["platTargetTemp"]) == (0.0, 0.0)
    assert served["cumulativeFilament"] == pytest.approx(
        before["cumulativeFilament"] + 4.15, abs=0.01
    )
    assert served["cumulativePrintTime"] >= before["cumulativePrintTime"] + 1

    # A new print needs the platform cleared first.
    answer = await print_file(session, emulator, "Calibration_Cube.gcode")
    assert answer["code"] == 1
    assert "completed" in answer["message"]
    answer = await control(
        session, emulator, "stateCtrl_cmd", action="setClearPlatform"
    )
    assert answer["code"] == 0
    served = await detail(session, emulator)
    assert served["status"] == "ready"
    assert served["printFileName"] == ""
    assert served["printFileThumbUrl"] == ""


async def test_cancel_then_clear(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    assert (await print_file(session, emulator, "3DBenchy_PLA.gcode"))["code"] == 0
    emulator.advance(0.5)
    assert (await control(session, emulator, "jobCtl_cmd", jobID="", action="cancel"))[
        "code"
    ] == 0
    served = await detail(session, emulator)
    assert served["status"] == "cancel"
    assert served["rightTargetTemp"] == 0.0
    emulator.advance(5)
    assert emulator.printer.status == Status.CANCEL
    await control(session, emulator, "stateCtrl_cmd", action="setClearPlatform")
    assert emulator.printer.status == Status.READY


async def test_forbidden_commands(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    cases = [
        ("pause", "Cannot pause: printer is ready, not printing"),
        ("continue", "Cannot continue: printer is ready, not paused"),
        ("cancel", "Cannot cancel: printer is ready, no print in progress"),
    ]
    for action, message in cases:
        answer = await control(session, emulator, "jobCtl_cmd", jobID="", action=action)
        assert answer == {"code": 1, "message": message}
    assert (await control(session, emulator, "jobCtl_cmd", jobID="", action="explode"))[
        "code"
    ] == 2

    await print_file(session, emulator, "Calibration_Cube.gcode")
    emulator.advance(0.3)
    answer = await control(
        session, emulator, "stateCtrl_cmd", action="setClearPlatform"
    )
    assert answer == {
        "code": 1,
        "message": "Cannot clear platform: printer is printing",
    }
    answer = await control(session, emulator, "jobCtl_cmd", jobID="", action="continue")
    assert answer == {
        "code": 1,
        "message": "Cannot continue: printer is printing, not paused",
    }
    answer = await print_file(session, emulator, "3DBenchy_PLA.gcode")
    assert answer == {
        "code": 1,
        "message": "Printer is printing; a print can only start when ready",
    }


async def test_error_state(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    emulator.printer.set_error("E0011")
    served = await detail(session, emulator)
    assert (served["status"], served["errorCode"]) == ("error", "E0011")
    assert (await print_file(session, emulator, "Calibration_Cube.gcode"))["code"] == 1
    answer = await control(
        session, emulator, "stateCtrl_cmd", action="setClearPlatform"
    )
    assert answer["code"] == 1
    assert "E0011" in answer["message"]
    # Only the AD5X clears an error over HTTP (errorCodeCtrl_cmd).
    answer = await control(
        session,
        emulator,
        "errorCodeCtrl_cmd",
        action="clearErrorCode",
        errorCode="E0011",
    )
    assert answer["code"] == 2
    emulator.printer.clear_error()
    served = await detail(session, emulator)
    assert (served["status"], served["errorCode"]) == ("ready", "")


async def test_ad5x_clears_the_current_error(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("ad5x") as ad5x:
        ad5x.printer.set_error("E0109")
        wrong = await control(
            session,
            ad5x,
            "errorCodeCtrl_cmd",
            action="clearErrorCode",
            errorCode="E0100",
        )
        assert wrong["code"] == 1
        answer = await control(
            session,
            ad5x,
            "errorCodeCtrl_cmd",
            action="clearErrorCode",
            errorCode="E0109",
        )
        assert answer["code"] == 0
        served = await detail(session, ad5x)
        assert (served["status"], served["errorCode"]) == ("ready", "")


async def test_print_unknown_file_and_bad_payload(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    answer = await print_file(session, emulator, "missing.gcode")
    assert answer["code"] == 4
    assert "missing.gcode" in answer["message"]
    assert (await post(session, emulator, "/printGcode"))["code"] == 2
    answer = await print_file(
        session, emulator, "Calibration_Cube.gcode", levelingBeforePrint="yes"
    )
    assert answer["code"] == 2
    # The legacy (< 3.1.3) payload is still accepted.
    answer = await post(
        session,
        emulator,
        "/printGcode",
        fileName="Calibration_Cube.gcode",
        levelingBeforePrint=False,
    )
    assert answer["code"] == 0


async def test_busy_for_overlapping_commands(
    emulator_factory: Any, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory(command_seconds=0.2) as emu:
        first = asyncio.create_task(
            control(session, emu, "lightControl_cmd", status="close")
        )
        await asyncio.sleep(0.05)
        # While one command runs, commands are Busy and reads are not.
        assert await control(session, emu, "lightControl_cmd", status="open") == {
            "code": 5,
            "message": "Busy",
        }
        answer = await post(
            session, emu, "/printGcode", fileName="Calibration_Cube.gcode"
        )
        assert answer["code"] == 5
        assert (await post(session, emu, "/detail"))["code"] == 0
        assert (await post(session, emu, "/product"))["code"] == 0
        assert (await post(session, emu, "/gcodeList"))["code"] == 0
        assert (await first)["code"] == 0
        assert emu.printer.light_on is False  # the Busy "open" was not applied
        assert emu.max_concurrent_commands == 2
        # One at a time is fine.
        assert (await control(session, emu, "lightControl_cmd", status="open"))[
            "code"
        ] == 0
        assert emu.max_concurrent_commands == 2
        assert [c for c, _ in emu.commands] == ["lightControl_cmd"] * 3


async def test_sequential_commands_never_overlap(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    for _ in range(5):
        await control(session, emulator, "lightControl_cmd", status="open")
    assert emulator.max_concurrent_commands == 1
    assert emulator.request_counts["/control"] == 5


async def test_gcode_list_and_thumb(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    answer = await post(session, emulator, "/gcodeList")
    assert answer["code"] == 0
    assert answer["gcodeList"] == [
        "Vase_Spiral_PETG.gcode",
        "Calibration_Cube.gcode",
        "3DBenchy_PLA.gcode",
    ]
    assert "gcodeListDetail" not in answer
    answer = await post(session, emulator, "/gcodeThumb", fileName="3DBenchy_PLA.gcode")
    assert answer["code"] == 0
    png = base64.b64decode(answer["imageData"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png == emulator.files["3DBenchy_PLA.gcode"].thumbnail
    answer = await post(session, emulator, "/gcodeThumb", fileName="nope.gcode")
    assert answer["code"] == 4
    assert (await post(session, emulator, "/gcodeThumb"))["code"] == 2

    # Printing a file makes it the most recent.
    await print_file(session, emulator, "3DBenchy_PLA.gcode")
    answer = await post(session, emulator, "/gcodeList")
    assert answer["gcodeList"][0] == "3DBenchy_PLA.gcode"


async def test_gcode_list_keeps_ten_most_recent(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    for index in range(12):
        data = f"; file {index}\nG28\n".encode()
        form = aiohttp.FormData()
        form.add_field("gcodeFile", data, filename=f"part{index:02}.gcode")
        headers = {**emulator.auth(), "fileSize": str(len(data)), "printNow": "false"}
        async with session.post(
            emulator.base_url + "/uploadGcode", data=form, headers=headers
        ) as resp:
            assert (await resp.json())["code"] == 0
    answer = await post(session, emulator, "/gcodeList")
    assert answer["gcodeList"] == [f"part{i:02}.gcode" for i in range(11, 1, -1)]


async def test_get_thumb(emulator: Emulator, session: aiohttp.ClientSession) -> None:
    async with session.get(emulator.base_url + "/getThum") as resp:
        assert resp.status == 200
        assert (await resp.json(content_type=None))["code"] == 4
    await print_file(session, emulator, "3DBenchy_PLA.gcode")
    async with session.get(emulator.base_url + "/getThum") as resp:
        assert resp.status == 200
        assert resp.content_type == "image/bmp"
        body = await resp.read()
    assert body[:2] == b"BM"
    assert int.from_bytes(body[2:6], "little") == len(body)


async def test_wrong_method_and_unknown_path(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    async with session.get(emulator.base_url + "/detail") as resp:
        assert resp.status == 405
    async with session.post(
        emulator.base_url + "/nothing", json=emulator.auth()
    ) as resp:
        assert resp.status == 404


async def test_request_counts(
    emulator: Emulator, session: aiohttp.ClientSession
) -> None:
    await post(session, emulator, "/detail")
    await post(session, emulator, "/detail")
    await post(session, emulator, "/product")
    assert emulator.request_counts["/detail"] == 2
    assert emulator.request_counts["/product"] == 1


async def test_several_emulators_at_once(
    emulator_factory: Any, session: aiohttp.ClientSession
) -> None:
    async with (
        emulator_factory("5m", serial="SNA") as a,
        emulator_factory("ad5x", serial="SNB") as b,
        emulator_factory("creator5", serial="SNC") as c,
    ):
        assert len({a.port, b.port, c.port}) == 3
        for emu in (a, b, c):
            assert (await detail(session, emu))["status"] == "ready"
        # Credentials are per printer.
        async with session.post(a.base_url + "/detail", json=b.auth()) as resp:
            assert (await resp.json())["code"] == 3
