"""Protocol constants of the FlashForge HTTP API."""

from typing import Final

DEFAULT_PORT: Final = 8898
DEFAULT_REQUEST_TIMEOUT: Final = 10.0

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

# Response codes of the HTTP API.
CODE_OK: Final = 0
CODE_UNAUTHORIZED: Final = 3
CODE_NOT_FOUND: Final = 4
CODE_BUSY: Final = 5

# Big enough to keep a fast link busy, small enough to keep memory flat.
UPLOAD_CHUNK_SIZE: Final = 1024 * 1024

# Caps on what is read of an answer: a printer that sends more is broken or
# hostile, and must not make the client buffer without bound. A JSON answer
# (a /detail is under 4 KiB, a file list of ten files with tools under 16 KiB)
# gets far more room than it needs, a preview image a few MB.
MAX_ANSWER_BYTES: Final = 256 * 1024
MAX_IMAGE_BYTES: Final = 4 * 1024 * 1024
# A /gcodeThumb answer carries its image in Base64 (4 bytes per 3).
MAX_THUMBNAIL_ANSWER_BYTES: Final = MAX_IMAGE_BYTES // 3 * 4 + 4 + MAX_ANSWER_BYTES

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
