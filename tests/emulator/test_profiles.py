"""What differs between models."""

from dataclasses import replace
from typing import Any

import aiohttp
import pytest

from flashforge_emulator import Clock, Emulator, get_profile
from tests.conftest import EmulatorFactory

from .helpers import control, detail, post


@pytest.mark.parametrize(
    ("model", "pid", "firmware"),
    [
        ("5m", "0023", "3.2.7"),
        ("5m-pro", 36, "3.2.7"),
        ("ad5x", "0026", "1.2.1"),
        ("creator5", 40, "1.9.2"),
    ],
)
async def test_pid_forms(
    emulator_factory: EmulatorFactory,
    session: aiohttp.ClientSession,
    model: str,
    pid: int | str,
    firmware: str,
) -> None:
    async with emulator_factory(model) as emu:
        served = await detail(session, emu)
        assert served["pid"] == pid
        assert type(served["pid"]) is type(pid)
        assert served["firmwareVersion"] == firmware
        assert served["name"] == get_profile(model).default_name


async def test_5m(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("5m") as emu:
        served = await detail(session, emu)
        assert served["chamberTemp"] == -108
        assert served["cameraStreamUrl"] == ""
        product = (await post(session, emu, "/product"))["product"]
        assert (product["internalFanCtrlState"], product["externalFanCtrlState"]) == (
            0,
            0,
        )
        answer = await control(
            session, emu, "circulateCtl_cmd", internal="open", external="open"
        )
        assert answer == {
            "code": 1,
            "message": "This printer has no controllable filtration fans",
        }
        assert "matlStationInfo" not in served
        answer = await control(
            session, emu, "msConfig_cmd", slot=1, mt="PLA", rgb="#FFFFFF"
        )
        assert answer["code"] == 2  # not a 5M command


async def test_ad5x(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("ad5x", clock=Clock.manual()) as emu:
        served = await detail(session, emu)
        assert served["chamberTemp"] == -109
        assert served["hasMatlStation"] == 1
        station = served["matlStationInfo"]
        assert station["slotCnt"] == 4
        assert [s["slotId"] for s in station["slotInfos"]] == [1, 2, 3, 4]
        assert [s["hasFilament"] for s in station["slotInfos"]] == [
            True,
            True,
            True,
            False,
        ]
        assert set(served["indepMatlInfo"]) == {
            "materialColor",
            "materialName",
            "stateAction",
            "stateStep",
        }
        for key in (
            "coolingFanLeftSpeed",
            "clearFanStatus",
            "coordinate",
            "moveCtrl",
            "extrudeCtrl",
        ):
            assert key in served

        # No factory LEDs, yet the light command works.
        product = (await post(session, emu, "/product"))["product"]
        assert product["lightCtrlState"] == 0
        assert served["lightStatus"] == "close"
        assert (await control(session, emu, "lightControl_cmd", status="open"))[
            "code"
        ] == 0
        assert (await detail(session, emu))["lightStatus"] == "open"

        # No /gcodeThumb route at all.
        async with session.post(emu.base_url + "/gcodeThumb", json=emu.auth()) as resp:
            assert resp.status == 404

        listing = await post(session, emu, "/gcodeList")
        tools = {
            e["gcodeFileName"]: e["gcodeToolCnt"] for e in listing["gcodeListDetail"]
        }
        assert tools == {
            "Cube_PLA.gcode": 1,
            "Keychain_2Color.gcode": 2,
            "Fish_PETG.3mf": 1,
        }
        assert listing["gcodeList"] == [
            e["gcodeFileName"] for e in listing["gcodeListDetail"]
        ]

        # Material station commands.
        answer = await control(
            session, emu, "msConfig_cmd", slot=4, mt="TPU", rgb="#F95D73"
        )
        assert answer["code"] == 0
        slot = (await detail(session, emu))["matlStationInfo"]["slotInfos"][3]
        assert (slot["materialName"], slot["materialColor"]) == ("TPU", "#F95D73")
        assert (await control(session, emu, "ms_cmd", action=0, slot=2))["code"] == 0
        assert (await detail(session, emu))["matlStationInfo"]["currentSlot"] == 2
        assert (await control(session, emu, "ms_cmd", action=0, slot=4))["code"] == 1
        await control(session, emu, "ipdMsConfig_cmd", mt="PETG", rgb="#FEF043")
        assert (await detail(session, emu))["indepMatlInfo"]["materialName"] == "PETG"
        assert (await control(session, emu, "moveCtrl_cmd", axis="z", delta=5))[
            "code"
        ] == 0
        assert (await detail(session, emu))["coordinate"] == [0.0, 0.0, 5.0]
        assert (await control(session, emu, "homingCtrl_cmd"))["code"] == 0
        assert (await control(session, emu, "circulateCtl_cmd", internal="open"))[
            "code"
        ] == 1
        # The AD5X allows speeds up to 500 %.
        await control(session, emu, "printerCtl_cmd", speed=300, coolingLeftFan=40)
        served = await detail(session, emu)
        assert (served["printSpeedAdjust"], served["coolingFanLeftSpeed"]) == (300, 40)


async def test_creator5(
    emulator_factory: EmulatorFactory, session: aiohttp.ClientSession
) -> None:
    async with emulator_factory("creator5", clock=Clock.manual()) as emu:
        async with session.post(emu.base_url + "/detail", json=emu.auth()) as resp:
            # The firmware's own misspelt Content-Type.
            assert resp.headers["Content-Type"] == "appliation/json"
        served = await detail(session, emu)
        assert served["nozzleCnt"] == 4
        assert served["nozzleTemps"] == [25.0] * 4
        assert served["nozzleTargetTemps"] == [0.0] * 4
        assert served["model"] == "Creator 5"
        assert "matlStationInfo" in served
        assert "hasMatlStation" not in served
        product = (await post(session, emu, "/product"))["product"]
        assert product["chamberTempCtrlState"] == 1

        answer = await control(
            session,
            emu,
            "temperatureCtl_cmd",
            nozzles=[210, -200, 230, -100],
            chamber=45,
            platform=-200,
        )
        assert answer["code"] == 0
        served = await detail(session, emu)
        assert served["nozzleTargetTemps"] == [210.0, 0.0, 230.0, 0.0]
        assert served["chamberTargetTemp"] == 45.0
        emu.advance(1)
        served = await detail(session, emu)
        assert served["nozzleTemps"] == [210.0, 25.0, 230.0, 25.0]
        assert served["chamberTemp"] == 45.0
        assert served["rightTemp"] == 210.0  # the legacy scalar mirrors T0
        # Legacy scalars are ignored; a nozzles array of the wrong length too.
        await control(
            session, emu, "temperatureCtl_cmd", rightNozzle=180, nozzles=[100, 100]
        )
        assert (await detail(session, emu))["nozzleTargetTemps"] == [
            210.0,
            0.0,
            230.0,
            0.0,
        ]
        answer = await control(session, emu, "temperatureCtl_cmd", chamber=120)
        assert answer["code"] == 2

        # A 4-tool print heats all four nozzles.
        answer = await post(
            session,
            emu,
            "/printGcode",
            fileName="ToolChanger_4Color.gcode",
            levelingBeforePrint=False,
        )
        assert answer["code"] == 0
        assert (await detail(session, emu))["nozzleTargetTemps"] == [220.0] * 4


ONE_SLOT = get_profile("ad5x").slots[:1]


@pytest.mark.parametrize(
    ("capabilities", "fields", "command"),
    [
        pytest.param(
            {"has_material_station": True, "slots": ONE_SLOT},
            {"matlStationInfo"},
            ("msConfig_cmd", {"slot": 1, "mt": "PETG", "rgb": "#0ACC38"}),
            id="material_station",
        ),
        pytest.param(
            {"has_material_feeder": True},
            {"hasMatlStation", "indepMatlInfo"},
            ("ipdMsConfig_cmd", {"mt": "PETG", "rgb": "#0ACC38"}),
            id="material_feeder",
        ),
        pytest.param(
            {"has_tool_temperatures": True, "nozzle_count": 2},
            {"nozzleTemps", "nozzleTargetTemps"},
            None,
            id="tool_temperatures",
        ),
        pytest.param(
            {"has_manual_motion": True},
            {"coordinate", "moveCtrl", "extrudeCtrl"},
            ("homingCtrl_cmd", {}),
            id="manual_motion",
        ),
        pytest.param(
            {"has_left_cooling_fan": True}, {"coolingFanLeftSpeed"}, None, id="left_fan"
        ),
        pytest.param({"has_clear_fan": True}, {"clearFanStatus"}, None, id="clear_fan"),
        pytest.param({"has_lidar": True}, {"lidar"}, None, id="lidar"),
        pytest.param({"reports_camera_flag": True}, {"camera"}, None, id="camera"),
        pytest.param({"reports_model_name": True}, {"model"}, None, id="model"),
    ],
)
async def test_capabilities_work_on_any_model(
    emulator_factory: EmulatorFactory,
    capabilities: dict[str, Any],
    fields: set[str],
    command: tuple[str, dict[str, Any]] | None,
) -> None:
    """A capability flag alone adds its /detail fields and commands to a plain 5M."""
    plain = get_profile("5m")
    async with (
        emulator_factory(plain, clock=Clock.manual()) as before,
        emulator_factory(replace(plain, **capabilities), clock=Clock.manual()) as emu,
    ):
        assert set(emu.detail()) - set(before.detail()) == fields
        if command is not None:
            assert before.printer.apply_command(*command).code == 2  # unknown
            assert emu.printer.apply_command(*command).ok


async def test_emulator_needs_start() -> None:
    emu = Emulator("5m")
    with pytest.raises(RuntimeError):
        _ = emu.port
    with pytest.raises(ValueError, match="unknown model"):
        Emulator("adventurer2")


async def test_start_stop_without_context_manager(
    socket_enabled: None, session: aiohttp.ClientSession, tmp_path: object
) -> None:
    emu = Emulator("5m", port=0, storage_dir=str(tmp_path))
    await emu.start()
    try:
        assert (await post(session, emu, "/checkCode"))["code"] == 0
        with pytest.raises(RuntimeError):
            await emu.start()
    finally:
        await emu.stop()
    # A given storage folder is kept, with its files.
    assert emu.storage_dir is not None
    assert (emu.storage_dir / "Calibration_Cube.gcode").exists()
