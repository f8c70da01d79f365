"""Read images in tests: what format they are, and their pixels."""

import io
from typing import NamedTuple

from PIL import Image


class Picture(NamedTuple):
    """An image's format (``PNG``, ``BMP``...), size and RGB pixels."""

    format: str | None
    size: tuple[int, int]
    rgb: bytes


def picture(content: bytes) -> Picture:
    """Decode image bytes, so that a converted image compares with its source."""
    with Image.open(io.BytesIO(content)) as image:
        return Picture(image.format, image.size, image.convert("RGB").tobytes())


def same_picture_as_png(content: bytes, source: bytes) -> bool:
    """Return whether content is a PNG showing the pixels of source."""
    shown = picture(content)
    return shown.format == "PNG" and shown[1:] == picture(source)[1:]
