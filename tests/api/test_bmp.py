"""Tests for turning the BMP previews printers serve into PNG."""

import asyncio
from dataclasses import dataclass
import io
import re
import struct

from PIL import Image
import pytest

from custom_components.flashforge.api import FlashForgeImageError
from custom_components.flashforge.api.bmp import MAX_SIDE, async_bmp_to_png, bmp_to_png

BGRX_MASKS = (0x00FF0000, 0x0000FF00, 0x000000FF)


def pixel(x: int, y: int) -> tuple[int, int, int]:
    """Return a colour that tells every pixel apart, for checking the layout."""
    return (x * 40 % 256, y * 70 % 256, (x + y) * 25 % 256)


@dataclass(frozen=True, kw_only=True)
class Bmp:
    """A bitmap to build by hand; the defaults make a readable 24-bit one."""

    width: int = 5
    height: int = 3
    bits: int = 24
    top_down: bool = False
    compression: int = 0
    info_size: int = 40
    planes: int = 1
    masks: tuple[int, int, int] = BGRX_MASKS
    offset_shift: int = 0
    cut: int = 0
    magic: bytes = b"BM"

    def encode(self) -> bytes:
        """Return the file's bytes."""
        size = self.bits // 8
        stride = (self.width * size + 3) & ~3
        rows = []
        for y in range(self.height):
            row = bytearray()
            for x in range(self.width):
                red, green, blue = pixel(x, y)
                row.extend((blue, green, red, 0x99)[:size])
            rows.append(bytes(row.ljust(stride, b"\x00")))
        if not self.top_down:
            rows.reverse()
        info = struct.pack(
            "<IiiHHIIiiII",
            self.info_size,
            self.width,
            -self.height if self.top_down else self.height,
            self.planes,
            self.bits,
            self.compression,
            stride * self.height,
            2835,
            2835,
            0,
            0,
        )
        info += struct.pack("<III", *self.masks).ljust(self.info_size - 40, b"\x00")
        offset = 14 + len(info)
        pixels = b"".join(rows)
        header = struct.pack(
            "<2sIHHI",
            self.magic,
            offset + len(pixels),
            0,
            0,
            offset + self.offset_shift,
        )
        data = header + info + pixels
        return data[: len(data) - self.cut]


def decoded(png: bytes) -> tuple[tuple[int, int], list[tuple[int, int, int]]]:
    """Return a PNG's size and its pixels, row by row from the top."""
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.mode == "RGB"
        rgb = image.tobytes()
        size = image.size
    return size, [tuple(rgb[i : i + 3]) for i in range(0, len(rgb), 3)]


@pytest.mark.parametrize(
    "bmp",
    [
        Bmp(),
        Bmp(top_down=True),
        Bmp(width=1, height=1),
        # Rows of 3, 6, 9 and 21 bytes: padded to 4, 8, 12 and 24.
        *(Bmp(width=width, height=2) for width in (1, 2, 3, 7)),
        Bmp(bits=32),
        Bmp(bits=32, top_down=True),
        Bmp(bits=32, compression=3, info_size=52),
        Bmp(bits=32, compression=3, info_size=108),
        Bmp(bits=32, compression=3, info_size=124, top_down=True),
        Bmp(info_size=124),
        Bmp(width=MAX_SIDE, height=2),
    ],
    ids=repr,
)
def test_converts(bmp: Bmp) -> None:
    """Every supported form becomes a PNG of the same pixels, top row first."""
    size, pixels = decoded(bmp_to_png(bmp.encode()))

    assert size == (bmp.width, bmp.height)
    assert pixels == [pixel(x, y) for y in range(bmp.height) for x in range(bmp.width)]


async def test_the_async_form_lets_the_loop_run() -> None:
    """Converting on the event loop leaves it free between slices of rows."""
    content = Bmp(width=64, height=200).encode()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0)
    png = await async_bmp_to_png(content)
    ticker.cancel()

    assert png == bmp_to_png(content)
    assert ticks > 200 // 32


def test_converts_what_the_emulator_serves() -> None:
    """The emulator's BMP (as Pillow writes it, like the AD5X) comes back intact."""
    image = Image.effect_noise((37, 20), 64).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="BMP")

    with Image.open(io.BytesIO(bmp_to_png(out.getvalue()))) as png:
        assert png.tobytes() == image.tobytes()


REFUSALS = [
    (b"", "shorter than its headers"),
    (Bmp().encode()[:40], "shorter than its headers"),
    (Bmp(magic=b"MB").encode(), "no Windows bitmap"),
    (Bmp(info_size=12).encode(), "no Windows bitmap"),
    (Bmp(planes=2).encode(), "no Windows bitmap"),
    (Bmp(bits=8).encode(), "not supported (8 bits, compression 0)"),
    (Bmp(bits=16).encode(), "not supported (16 bits, compression 0)"),
    (Bmp(compression=1).encode(), "not supported (24 bits, compression 1)"),
    (Bmp(compression=3).encode(), "not supported (24 bits, compression 3)"),
    (
        Bmp(bits=32, compression=3, masks=(0xFF, 0xFF00, 0xFF0000)).encode(),
        "not supported (32 bits, compression 3)",
    ),
    (Bmp(width=0).encode(), "out of bounds: 0x3"),
    (Bmp(width=MAX_SIDE + 1, height=1).encode(), "out of bounds"),
    (Bmp(height=0).encode(), "out of bounds: 5x0"),
    (Bmp(cut=1).encode(), "cut short"),
    (Bmp(bits=32, cut=4).encode(), "cut short"),
    (Bmp(offset_shift=-13).encode(), "pixel offset is bad"),
    (Bmp(offset_shift=10_000).encode(), "pixel offset is bad"),
    (Bmp(offset_shift=4).encode(), "cut short"),
]


@pytest.mark.parametrize(("content", "reason"), REFUSALS, ids=[r for _, r in REFUSALS])
def test_refuses(content: bytes, reason: str) -> None:
    """A BMP the reader cannot read is refused with a library error, not a crash."""
    with pytest.raises(FlashForgeImageError, match=re.escape(reason)):
        bmp_to_png(content)


def test_refuses_a_big_header_over_little_data() -> None:
    """A header claiming the largest picture over one pixel of data reads no row."""
    content = bytearray(Bmp(width=1, height=1).encode())
    struct.pack_into("<ii", content, 18, MAX_SIDE, -MAX_SIDE)

    with pytest.raises(FlashForgeImageError, match="cut short"):
        bmp_to_png(bytes(content))


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (0x7FFFFFFF, 1),
        (1, 0x7FFFFFFF),
        (-1, 1),
        (1, -0x80000000),
        (MAX_SIDE, -0x7FFFFFFF),
    ],
)
def test_refuses_absurd_sizes_before_reading(width: int, height: int) -> None:
    """A header claiming a huge picture is refused from its fields, allocating nothing."""
    content = bytearray(Bmp(width=1, height=1).encode())
    struct.pack_into("<ii", content, 18, width, height)

    with pytest.raises(FlashForgeImageError, match="out of bounds"):
        bmp_to_png(bytes(content))
