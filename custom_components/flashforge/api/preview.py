"""The preview image of a file on the printer, and how to tell its type."""

from typing import Final, NamedTuple

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
