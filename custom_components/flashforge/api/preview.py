"""The preview image of a file on the printer, how to tell its type, how to show it."""

from typing import Final, NamedTuple

from .bmp import async_bmp_to_png, is_bmp

# /gcodeThumb answers PNG; the magic number tells if a printer sends otherwise.
_MAGIC_TYPES: Final = {
    b"\x89PNG": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"BM": "image/bmp",
    b"GIF8": "image/gif",
}


def image_type(content: bytes) -> str:
    """Return the content type of image bytes, PNG when unrecognised."""
    for magic, content_type in _MAGIC_TYPES.items():
        if content.startswith(magic):
            return content_type
    return "image/png"


def is_image_type(content_type: str) -> bool:
    """Return whether a declared content type is an image's."""
    return content_type.partition("/")[0].strip().lower() == "image"


class Preview(NamedTuple):
    """A preview image and its content type (always ``image/...``)."""

    content: bytes
    content_type: str


async def portable_image(content: bytes) -> bytes:
    """Return image bytes every phone and browser shows: a BMP becomes a PNG.

    Raises FlashForgeImageError for a BMP that cannot be read.
    """
    return await async_bmp_to_png(content) if is_bmp(content) else content


async def portable_preview(content: bytes, content_type: str | None = None) -> Preview:
    """Return a preview every phone shows, typed as declared or by its bytes."""
    if is_bmp(content):
        return Preview(await async_bmp_to_png(content), "image/png")
    return Preview(content, content_type or image_type(content))
