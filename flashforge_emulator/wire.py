"""The JSON the firmware serves: /detail, /product and the material station."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import job
from .codes import JOB_STATUSES, onoff
from .profiles import Profile

if TYPE_CHECKING:
    from .state import PrinterState


def product(profile: Profile) -> dict[str, int]:
    """Return the /product "product" object."""
    return {
        "chamberTempCtrlState": int(profile.chamber_ctrl),
        "externalFanCtrlState": int(profile.external_fan_ctrl),
        "internalFanCtrlState": int(profile.internal_fan_ctrl),
        "lightCtrlState": int(profile.has_factory_light),
        "nozzleTempCtrlState": 1,
        "platformTempCtrlState": 1,
    }


def matl_station_info(state: PrinterState) -> dict[str, Any]:
    """Return the matlStationInfo object."""
    return {
        "currentLoadSlot": state.current_load_slot,
        "currentSlot": state.current_slot,
        "slotCnt": len(state.slots),
        "slotInfos": [
            {
                "hasFilament": s.has_filament,
                "materialColor": s.color,
                "materialName": s.material,
                "slotId": s.slot_id,
            }
            for s in state.slots
        ],
        "stateAction": state.matl_state_action,
        "stateStep": state.matl_state_step,
    }


def detail(
    state: PrinterState,
    *,
    ip_addr: str,
    mac_addr: str,
    camera_stream_url: str,
    thumb_url: str,
    remaining_disk_mb: float,
    register_codes: tuple[str, str],
) -> dict[str, Any]:
    """Return the /detail "detail" object for the current moment."""
    p = state.profile
    loaded = state.job
    status = state.status
    progress = state.progress
    meta = loaded.meta if loaded else None
    has_job = loaded is not None and status in JOB_STATUSES
    layers = meta.layers if meta else 0
    # The slicer's estimate for the whole job, as clients read it (they
    # multiply by progress for what is used so far).
    job_len = round(meta.total_length_mm, 1) if meta else 0.0
    job_weight = round(meta.total_weight_g, 2) if meta else 0.0
    tools = meta.tools if meta else []
    heaters = state.heaters
    right_nozzle = heaters.nozzles[0]
    left_nozzle = (
        heaters.nozzles[1]
        if len(heaters.nozzles) > 1 and not p.has_tool_temperatures
        else None
    )

    served: dict[str, Any] = {
        "autoShutdown": onoff(state.auto_shutdown),
        "autoShutdownTime": state.auto_shutdown_minutes,
        "cameraStreamUrl": camera_stream_url,
        "chamberFanSpeed": state.chamber_fan,
        "chamberTargetTemp": round(heaters.chamber.target, 1)
        if p.chamber_ctrl
        else 0.0,
        "chamberTemp": round(heaters.chamber_reading, 1),
        "coolingFanSpeed": state.cooling_fan,
        "cumulativeFilament": round(state.cumulative_filament_m, 2),
        "cumulativePrintTime": int(state.cumulative_print_time_s),
        "currentPrintSpeed": state.speed,
        "doorStatus": onoff(state.door_open),
        "errorCode": state.error_code,
        "estimatedLeftLen": 0.0,
        "estimatedLeftWeight": 0.0,
        "estimatedRightLen": job_len,
        "estimatedRightWeight": job_weight,
        "estimatedTime": round(job.remaining_seconds(state)),
        "externalFanStatus": onoff(state.external_fan_on),
        "fillAmount": meta.infill_percent if meta and has_job else 0,
        "firmwareVersion": p.firmware_version,
        "flashRegisterCode": register_codes[0],
        "internalFanStatus": onoff(state.internal_fan_on),
        "ipAddr": ip_addr,
        "leftFilamentType": "",
        "leftTargetTemp": round(left_nozzle.target, 1) if left_nozzle else 0.0,
        "leftTemp": round(left_nozzle.current, 1) if left_nozzle else 0.0,
        "lightStatus": onoff(state.light_on),
        "location": state.location,
        "macAddr": mac_addr,
        "measure": p.measure,
        "name": state.name,
        "nozzleCnt": p.nozzle_count,
        "nozzleModel": p.nozzle_model,
        "nozzleStyle": p.nozzle_style,
        "pid": p.pid_wire,
        "platTargetTemp": round(heaters.bed.target, 1),
        "platTemp": round(heaters.bed.current, 1),
        "polarRegisterCode": register_codes[1],
        "printDuration": round(loaded.duration) if loaded and has_job else 0,
        "printFileName": loaded.file_name if loaded and has_job else "",
        "printFileThumbUrl": thumb_url if has_job else "",
        "printLayer": job.current_layer(state) if has_job else 0,
        "printProgress": round(progress, 4) if has_job else 0.0,
        "printSpeedAdjust": state.speed,
        "remainingDiskSpace": round(remaining_disk_mb, 1),
        "rightFilamentType": tools[0].material if tools and has_job else "",
        "rightTargetTemp": round(right_nozzle.target, 1),
        "rightTemp": round(right_nozzle.current, 1),
        "status": status.value,
        "targetPrintLayer": layers if has_job else 0,
        "tvoc": state.tvoc,
        "zAxisCompensation": state.z_offset,
    }
    served |= _optional_fields(state)
    return dict(sorted(served.items()))


def _optional_fields(state: PrinterState) -> dict[str, Any]:
    """Return the /detail fields only some firmware sends."""
    p = state.profile
    fields: dict[str, Any] = {}
    if p.reports_camera_flag:
        fields["camera"] = int(p.has_camera)
    if p.has_clear_fan:
        fields["clearFanStatus"] = "open"
    if p.has_left_cooling_fan:
        fields["coolingFanLeftSpeed"] = state.cooling_left_fan
    if p.has_manual_motion:
        fields |= {
            "coordinate": list(state.coordinate),
            "extrudeCtrl": 1,
            "moveCtrl": 1,
        }
    if p.has_material_feeder:
        fields |= {
            "hasMatlStation": 1,
            "indepMatlInfo": {
                "materialColor": state.indep_color,
                "materialName": state.indep_material,
                "stateAction": state.indep_state_action,
                "stateStep": state.indep_state_step,
            },
        }
    if p.has_material_station:
        fields["matlStationInfo"] = matl_station_info(state)
    if p.has_lidar:
        fields["lidar"] = 1
    if p.reports_model_name:
        fields["model"] = p.model_name
    if p.has_tool_temperatures:
        fields |= {
            "nozzleTargetTemps": [round(n.target, 1) for n in state.heaters.nozzles],
            "nozzleTemps": [round(n.current, 1) for n in state.heaters.nozzles],
        }
    return fields
