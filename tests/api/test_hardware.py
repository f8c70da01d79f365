"""Tests for what the library tells of a printer's fitted hardware."""

from typing import Any

import pytest

from custom_components.flashforge.api import PrinterDetail, has_camera

STREAM = "http://192.168.1.20:8080/?action=stream"


@pytest.mark.parametrize(
    ("answer", "camera"),
    [
        # Enclosed models (5M Pro, Creator 5) have one built in, stream or not.
        ({"pid": 36}, True),
        ({"pid": 40, "cameraStreamUrl": STREAM}, True),
        # On the others only a running stream shows a fitted camera.
        ({"pid": 35}, False),
        ({"pid": 35, "cameraStreamUrl": STREAM}, True),
        ({"pid": 38, "cameraStreamUrl": ""}, False),
        # A printer that does not say what it is has none until it streams.
        ({}, False),
        ({"cameraStreamUrl": STREAM}, True),
    ],
)
def test_has_camera(answer: dict[str, Any], camera: bool) -> None:
    """A printer has a camera when its model is enclosed or it streams."""
    assert has_camera(PrinterDetail.from_dict(answer)) is camera
