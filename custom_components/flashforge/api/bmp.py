"""Turn the BMP previews some printers serve into PNG, which every phone shows.

The AD5X (and /getThum of other models) answers a Windows bitmap: a 14-byte
file header, an info header of 40 bytes or more, then rows of 24-bit BGR or
32-bit BGRX pixels, each row padded to 4 bytes, stored bottom-up unless the
height is negative. Only these uncompressed forms are read; anything else,
and any header that does not fit the data, is refused with an error. The
PNG is written with zlib and struct, one 8-bit RGB row at a time; the async
form lets the event loop run between slices of rows.
"""

import asyncio
from collections.abc import Iterator
import struct
from typing import Final
import zlib

from .errors import FlashForgeImageError

# A preview is a few hundred pixels wide; larger sides are no preview.
MAX_SIDE: Final = 1024
# Rows converted between two chances for the event loop to run other work:
# a few milliseconds at the largest size.
_ROWS_PER_SLICE: Final = 32

_FILE_HEADER: Final = struct.Struct("<2sIHHI")
_INFO_HEADER: Final = struct.Struct("<IiiHHI")
# BITMAPINFOHEADER, the smallest header with the fields read here.
_MIN_INFO_SIZE: Final = 40
_BI_RGB: Final = 0
_BI_BITFIELDS: Final = 3
# 32-bit bitfields laid out as plain BGRX: other layouts are refused.
_BGRX_MASKS: Final = (0x00FF0000, 0x0000FF00, 0x000000FF)
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


def is_bmp(content: bytes) -> bool:
    """Return whether image bytes are a Windows bitmap."""
    return content.startswith(b"BM")


def bmp_to_png(content: bytes) -> bytes:
    """Return a BMP's pixels as a PNG; raise FlashForgeImageError if unreadable."""
    return b"".join(_png_parts(content))


async def async_bmp_to_png(content: bytes) -> bytes:
    """Convert as bmp_to_png does, letting the event loop run between row slices."""
    parts = []
    for part in _png_parts(content):
        parts.append(part)
        await asyncio.sleep(0)
    return b"".join(parts)


def _png_parts(content: bytes) -> Iterator[bytes]:
    """Yield a BMP's PNG in parts: headers, one IDAT chunk a slice of rows, end."""
    width, height, bits, offset = _read_headers(content)
    bytes_per_pixel = bits // 8
    stride = (width * bytes_per_pixel + 3) & ~3
    if offset + stride * abs(height) > len(content):
        raise FlashForgeImageError(
            f"The BMP preview is cut short: {width}x{abs(height)} pixels need "
            f"{offset + stride * abs(height)} bytes, it has {len(content)}"
        )
    starts = [offset + row * stride for row in range(abs(height))]
    if height > 0:
        # Bottom-up: the first row stored is the picture's last.
        starts.reverse()
    header = struct.pack(">IIBBBBB", width, abs(height), 8, 2, 0, 0, 0)
    yield _PNG_SIGNATURE + _chunk(b"IHDR", header)
    # The fastest level: the loop waits while a slice is compressed.
    compressor = zlib.compressobj(1)
    rgb = bytearray(width * 3)
    for first in range(0, len(starts), _ROWS_PER_SLICE):
        data = []
        for start in starts[first : first + _ROWS_PER_SLICE]:
            pixels = content[start : start + width * bytes_per_pixel]
            rgb[0::3] = pixels[2::bytes_per_pixel]
            rgb[1::3] = pixels[1::bytes_per_pixel]
            rgb[2::3] = pixels[0::bytes_per_pixel]
            # Filter type 0 (none) before each row.
            data.append(compressor.compress(b"\x00" + rgb))
        if first + _ROWS_PER_SLICE >= len(starts):
            data.append(compressor.flush())
        # The IDAT chunks together hold the zlib stream; none is left empty.
        compressed = b"".join(data)
        yield _chunk(b"IDAT", compressed) if compressed else b""
    yield _chunk(b"IEND", b"")


def _read_headers(content: bytes) -> tuple[int, int, int, int]:
    """Return width, signed height, bits per pixel and pixel offset of a BMP."""
    if len(content) < _FILE_HEADER.size + _MIN_INFO_SIZE:
        raise FlashForgeImageError("The BMP preview is shorter than its headers")
    magic, _, _, _, offset = _FILE_HEADER.unpack_from(content)
    info_size, width, height, planes, bits, compression = _INFO_HEADER.unpack_from(
        content, _FILE_HEADER.size
    )
    if magic != b"BM" or info_size < _MIN_INFO_SIZE or planes != 1:
        raise FlashForgeImageError("The BMP preview has no Windows bitmap header")
    if bits not in (24, 32) or not _uncompressed(content, bits, compression):
        raise FlashForgeImageError(
            f"The BMP preview's form is not supported ({bits} bits, "
            f"compression {compression})"
        )
    if not (0 < width <= MAX_SIDE and 0 < abs(height) <= MAX_SIDE):
        raise FlashForgeImageError(
            f"The BMP preview's size is out of bounds: {width}x{height}"
        )
    if not _FILE_HEADER.size + info_size <= offset < len(content):
        raise FlashForgeImageError(f"The BMP preview's pixel offset is bad: {offset}")
    return width, height, bits, offset


def _uncompressed(content: bytes, bits: int, compression: int) -> bool:
    """Return whether the pixels are stored plain: BGR, or BGRX by bitfields."""
    if compression == _BI_RGB:
        return True
    if compression != _BI_BITFIELDS or bits != 32:
        return False
    # The masks follow a 40-byte header, or sit at the same place inside a
    # larger one (V4, V5).
    masks_at = _FILE_HEADER.size + _MIN_INFO_SIZE
    if len(content) < masks_at + 12:
        return False
    return struct.unpack_from("<III", content, masks_at) == _BGRX_MASKS


def _chunk(kind: bytes, data: bytes) -> bytes:
    """Return a PNG chunk: length, type, data, CRC of type and data."""
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data))
    )
