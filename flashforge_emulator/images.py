"""Generate the images a printer serves: PNG thumbnails, BMP job art, JPEG frames."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

from PIL import Image, ImageDraw

Rgb = tuple[int, int, int]

THUMB_SIZE = 96
FRAME_WIDTH = 640
FRAME_HEIGHT = 360


def parse_color(value: str, default: Rgb = (200, 200, 200)) -> Rgb:
    """Return an RGB triple for a #RRGGBB string, or default when malformed."""
    text = value.strip().lstrip("#")
    if len(text) != 6:
        return default
    try:
        number = int(text, 16)
    except ValueError:
        return default
    return (number >> 16) & 0xFF, (number >> 8) & 0xFF, number & 0xFF


def _thumbnail_pixels(name: str, colors: list[Rgb], size: int) -> list[bytes]:
    """Draw a stack of coloured bands on a background tinted by the file name."""
    digest = hashlib.sha256(name.encode()).digest()
    background = (24 + digest[0] % 40, 24 + digest[1] % 40, 32 + digest[2] % 40)
    bands = colors or [(200, 200, 200)]
    rows: list[bytes] = []
    margin = size // 6
    for y in range(size):
        row = bytearray()
        inside_y = margin <= y < size - margin
        band = bands[
            min(len(bands) - 1, (y - margin) * len(bands) // max(1, size - 2 * margin))
        ]
        for x in range(size):
            # A rounded-ish block: a plain shape is enough to tell files apart.
            inside = inside_y and margin + abs(size // 2 - y) // 4 <= x < size - margin
            row.extend(band if inside else background)
        rows.append(bytes(row))
    return rows


def png_bytes(width: int, height: int, rows: list[bytes]) -> bytes:
    """Encode 8-bit RGB rows as a PNG with zlib and struct only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )


def bmp_bytes(width: int, height: int, rows: list[bytes]) -> bytes:
    """Encode 8-bit RGB rows as a 24-bit bottom-up BMP with struct only."""
    stride = (width * 3 + 3) & ~3
    pixels = bytearray()
    for row in reversed(rows):
        # BMP stores BGR.
        bgr = bytearray(len(row))
        bgr[0::3], bgr[1::3], bgr[2::3] = row[2::3], row[1::3], row[0::3]
        pixels.extend(bgr)
        pixels.extend(b"\x00" * (stride - width * 3))
    info = struct.pack(
        "<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0
    )
    offset = 14 + len(info)
    header = struct.pack("<2sIHHI", b"BM", offset + len(pixels), 0, 0, offset)
    return header + info + bytes(pixels)


def thumbnail_png(name: str, colors: list[str], size: int = THUMB_SIZE) -> bytes:
    """Return a generated PNG thumbnail for a file."""
    rgb = [parse_color(c) for c in colors]
    return png_bytes(size, size, _thumbnail_pixels(name, rgb, size))


def png_to_bmp(png: bytes) -> bytes:
    """Convert a PNG (for example a slicer-embedded thumbnail) to a 24-bit BMP."""
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        out = io.BytesIO()
        rgb.save(out, format="BMP")
        return out.getvalue()


class FrameRenderer:
    """Render camera frames: a fixed backdrop plus a caption that changes each frame."""

    def __init__(self, title: str) -> None:
        """Prepare the backdrop once; each frame only draws text on a copy."""
        self._title = title
        self._backdrop = Image.new("RGB", (FRAME_WIDTH, FRAME_HEIGHT), (30, 30, 36))
        draw = ImageDraw.Draw(self._backdrop)
        # A build plate in perspective, so frames look like a printer camera.
        draw.polygon(
            [(120, 300), (520, 300), (460, 200), (180, 200)],
            fill=(70, 70, 78),
            outline=(150, 150, 160),
        )
        for i in range(1, 8):
            x0 = 120 + i * 50
            x1 = 180 + i * 35
            draw.line([(x0, 300), (x1, 200)], fill=(90, 90, 100))

    def render(self, frame: int, caption: str, progress: float) -> bytes:
        """Return one JPEG frame showing the frame number and printer status."""
        image = self._backdrop.copy()
        draw = ImageDraw.Draw(image)
        height = int(80 * max(0.0, min(1.0, progress)))
        if height:
            draw.rectangle([(290, 260 - height), (350, 260)], fill=(230, 120, 40))
        # The head moves with the frame counter so consecutive frames differ.
        head_x = 200 + (frame * 17) % 240
        draw.rectangle([(head_x, 120), (head_x + 40, 150)], fill=(200, 200, 210))
        draw.text((12, 10), self._title, fill=(255, 255, 255))
        draw.text((12, 30), f"frame {frame}", fill=(255, 255, 0))
        draw.text((12, 50), caption, fill=(180, 220, 255))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=70)
        return out.getvalue()
