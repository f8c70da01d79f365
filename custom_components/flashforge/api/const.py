"""Facts about FlashForge printers that hold whichever protocol answers."""

from typing import Final

# How long a printer may take to answer one request, in seconds.
DEFAULT_REQUEST_TIMEOUT: Final = 10.0

# The auto-shutdown delay sent when the printer reports none (the command
# always sets one), in minutes.
DEFAULT_AUTO_SHUTDOWN_MINUTES: Final = 30

# Product ids (``pid``) of the printers that speak the HTTP API.
MODEL_NAMES: Final[dict[int, str]] = {
    35: "Adventurer 5M",
    36: "Adventurer 5M Pro",
    38: "AD5X",
    40: "Creator 5",
    41: "Creator 5 Pro",
}

# Enclosed printers: a door sensor and a built-in camera.
ENCLOSED_PIDS: Final = frozenset({36, 40, 41})

# The 5M and 5M Pro answer on the HTTP API from this firmware on.
MIN_HTTP_FIRMWARE: Final = (3, 1, 3)
ADVENTURER_5M_PIDS: Final = frozenset({35, 36})

# Caps on what is read of an answer: a printer that sends more is broken or
# hostile, and must not make the client buffer without bound. A JSON answer
# (a /detail is under 4 KiB, a file list of ten files with tools under 16 KiB)
# gets far more room than it needs, a preview image a few MB.
MAX_ANSWER_BYTES: Final = 256 * 1024
MAX_IMAGE_BYTES: Final = 4 * 1024 * 1024

# A printer has a handful of material slots and tools (the AD5X four slots, the
# Creator 5 four tools): an answer listing more is broken, and each becomes
# entities, so the rest is dropped.
MAX_PARTS: Final = 16

# Bounds on the strings a printer reports, before they become titles, device
# entries and states. A name or text longer than its bound is cut short; a
# version, address or URL that does not fit is no such thing and is dropped.
# Names are shown as titles: a printer's own name is a few words.
MAX_NAME_LENGTH: Final = 64
# Other texts become states, which Home Assistant caps at 255 characters.
MAX_TEXT_LENGTH: Final = 255
# Firmware versions read like "v3.2.7" or "1.9.2-beta".
MAX_VERSION_LENGTH: Final = 32
MAX_URL_LENGTH: Final = 2048
