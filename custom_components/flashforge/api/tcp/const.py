"""Constants of the FlashForge legacy TCP API (port 8899)."""

from typing import Final

from ..const import MAX_IMAGE_BYTES

DEFAULT_TCP_PORT: Final = 8899

# Caps on what is read of a reply: a printer that sends more is broken or
# hostile, and must not make the client buffer without bound. A reply line is
# a key and a value, or a file name (255 bytes) with a prefix.
MAX_LINE_BYTES: Final = 1024
# The longest reply has a dozen lines; the Adventurer 3's file list has one a
# file, and is bounded by MAX_FILES instead.
MAX_REPLY_LINES: Final = 64
# No printer stores more files than this; a longer list is broken.
MAX_FILES: Final = 4096
# A stored path: "/data/" and a file name of up to 255 bytes.
MAX_PATH_BYTES: Final = 1024
# A thumbnail is a small PNG; the library's image cap bounds it.
MAX_THUMBNAIL_BYTES: Final = MAX_IMAGE_BYTES

# The binary framing after M661 (5M form) and M662, as the references give it.
FILE_LIST_MAGIC: Final = b"\x44\xaa\xaa\x44"
FILE_ENTRY_MAGIC: Final = b"\x3a\x3a\xa3\xa3"
# M662's magic is documented as 0x2A2A2AA2 "(big-endian: 0xA2A22A2A)": the
# value in either byte order and the documented big-endian bytes are taken.
THUMBNAIL_MAGICS: Final = frozenset(
    {b"\x2a\x2a\x2a\xa2", b"\xa2\x2a\x2a\x2a", b"\xa2\xa2\x2a\x2a"}
)

# Raw G-code sent at once: a few lines a user types, not a print job.
MAX_GCODE_LINES: Final = 64
MAX_GCODE_LINE_LENGTH: Final = 256
# Commands that switch the connection into a binary mode or take control:
# sent as raw G-code they would break the session's framing.
SESSION_CODES: Final = frozenset({"M28", "M29", "M601", "M602", "M661", "M662"})

# Big enough to keep a fast link busy, small enough to keep memory flat.
UPLOAD_CHUNK_SIZE: Final = 256 * 1024

# The HTTP API's code for a file the printer does not have, which
# FlashForgeNotFoundError carries whichever API said so.
NOT_FOUND_CODE: Final = 4

# Where uploads are stored, in the printers' own notation (M28, M23).
USER_FOLDER: Final = "0:/user/"

# The release at the end of a session waits at most this long (seconds) for
# the printer's answer, so that a dying printer does not hold up the caller.
RELEASE_TIMEOUT: Final = 2.0
