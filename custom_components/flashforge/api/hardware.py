"""What a printer has fitted, as its answers show it."""

from typing import TYPE_CHECKING

from .const import ENCLOSED_PIDS

if TYPE_CHECKING:
    from .models import PrinterDetail


def has_camera(detail: PrinterDetail) -> bool:
    """Return whether the printer has a camera.

    Enclosed models have one built in, also while its stream is off; on the
    others a running stream shows a fitted one (with the stream off, nothing
    tells a fitted camera from none).
    """
    return detail.pid in ENCLOSED_PIDS or detail.camera_stream_url is not None
