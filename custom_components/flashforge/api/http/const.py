"""Constants of the FlashForge HTTP API (port 8898)."""

from typing import Final

from ..const import MAX_ANSWER_BYTES, MAX_IMAGE_BYTES

DEFAULT_PORT: Final = 8898

# Response codes of the HTTP API.
CODE_OK: Final = 0
CODE_UNAUTHORIZED: Final = 3
CODE_NOT_FOUND: Final = 4
CODE_BUSY: Final = 5

# Big enough to keep a fast link busy, small enough to keep memory flat.
UPLOAD_CHUNK_SIZE: Final = 1024 * 1024

# A /gcodeThumb answer carries its image in Base64 (4 bytes per 3).
MAX_THUMBNAIL_ANSWER_BYTES: Final = MAX_IMAGE_BYTES // 3 * 4 + 4 + MAX_ANSWER_BYTES
