"""Fuzz target: the BMP preview converter on mutated and arbitrary bitmaps.

Whatever the bytes, it returns a PNG of the declared size or raises the
library's FlashForgeImageError; it never reads past the data or builds a
picture larger than the data can hold.
"""

import io
import struct

from hypothesis import given, strategies as st
from PIL import Image

from custom_components.flashforge.api import FlashForgeImageError
from custom_components.flashforge.api.bmp import bmp_to_png

from .profiles import FUZZ

# The offsets of the fields a hostile printer would bend: file size, pixel
# offset, header size, width, height, planes, bits, compression.
FIELDS = st.sampled_from(
    [
        (2, "<I"),
        (10, "<I"),
        (14, "<I"),
        (18, "<i"),
        (22, "<i"),
        (26, "<H"),
        (28, "<H"),
        (30, "<I"),
    ]
)


def a_bitmap(width: int, height: int, bits: int) -> bytes:
    """Return a readable bitmap of the given size, as Pillow writes it."""
    mode = "RGBA" if bits == 32 else "RGB"
    out = io.BytesIO()
    Image.new(mode, (width, height), (10, 200, 30, 255)).save(out, format="BMP")
    return out.getvalue()


def check(content: bytes) -> None:
    """Convert content: a PNG no larger than the data allows, or the library's error."""
    try:
        png = bmp_to_png(content)
    except FlashForgeImageError:
        return
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        width, height = image.size
    assert width * height * 3 <= len(content)


@FUZZ
@given(
    width=st.integers(1, 40),
    height=st.integers(1, 40),
    bits=st.sampled_from([24, 32]),
    changes=st.lists(st.tuples(FIELDS, st.integers(-(2**31), 2**31 - 1)), max_size=3),
    cut=st.integers(0, 64),
)
def test_mutated_bitmaps(
    width: int,
    height: int,
    bits: int,
    changes: list[tuple[tuple[int, str], int]],
    cut: int,
) -> None:
    """A bitmap with bent header fields, cut short, is converted or refused."""
    content = bytearray(a_bitmap(width, height, bits))
    for (offset, kind), value in changes:
        # Written unsigned: any bit pattern the field can hold.
        unsigned = value % 2 ** (8 * struct.calcsize(kind))
        struct.pack_into(kind.upper(), content, offset, unsigned)
    check(bytes(content[: len(content) - cut]))


@FUZZ
@given(st.binary(max_size=512).map(b"BM".__add__))
def test_arbitrary_bytes(content: bytes) -> None:
    """Any bytes behind the magic number are converted or refused, never crash."""
    check(content)
