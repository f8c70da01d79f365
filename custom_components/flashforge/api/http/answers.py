"""The printer's HTTP answers: read within a cap, decoded, their codes checked.

Every way an answer can be wrong becomes a ``FlashForgeResponseError`` (or the
error its code means); no decoder error escapes, or keeps the answer alive.
"""

import base64
from collections.abc import Callable, Mapping, Sequence
import json
import logging
from typing import Any

import aiohttp

from ..const import MAX_IMAGE_BYTES
from ..errors import (
    FlashForgeAuthenticationError,
    FlashForgeBusyError,
    FlashForgeCommandError,
    FlashForgeNotFoundError,
    FlashForgeResponseError,
)
from .const import CODE_BUSY, CODE_NOT_FOUND, CODE_OK, CODE_UNAUTHORIZED

type JsonDecoder = Callable[[bytes], Any]

# The decoders an answer is given to in turn: orjson, where installed (Home
# Assistant ships it), is several times faster; the standard library takes
# what orjson refuses and sloppy firmware may send (NaN, Infinity, 1e400, a
# byte order mark, UTF-16, lone surrogates, nesting past 1024 levels).
try:
    from orjson import loads as _fast_loads
except ImportError:
    JSON_DECODERS: tuple[JsonDecoder, ...] = (json.loads,)
else:
    JSON_DECODERS = (_fast_loads, json.loads)

_LOGGER = logging.getLogger(__name__)

# Stands for an answer that does not decode.
_NOT_JSON = object()
# What is taken off the connection at a time; the cap is checked after each.
_READ_CHUNK_BYTES = 64 * 1024

_COMMAND_ERRORS: dict[int, type[FlashForgeCommandError]] = {
    CODE_NOT_FOUND: FlashForgeNotFoundError,
    CODE_BUSY: FlashForgeBusyError,
}


async def read_body(response: aiohttp.ClientResponse, limit: int, what: str) -> bytes:
    """Return a response's body, refusing one bigger than ``limit`` bytes.

    The body is read in chunks and the connection dropped as soon as it
    passes the limit (or announces that it will), so a flood costs at most
    ``limit`` bytes of memory.
    """
    announced = response.content_length
    if announced is not None and announced > limit:
        response.close()
        raise FlashForgeResponseError(
            f"{what}: the answer is bigger than {limit} bytes ({announced})"
        )
    body = bytearray()
    async for chunk in response.content.iter_chunked(_READ_CHUNK_BYTES):
        body += chunk
        if len(body) > limit:
            response.close()
            raise FlashForgeResponseError(
                f"{what}: the answer is bigger than {limit} bytes"
            )
    return bytes(body)


def _decode_json(
    content: bytes, decoders: Sequence[JsonDecoder] = JSON_DECODERS
) -> Any:
    """Return the answer decoded by the first decoder that takes it, else _NOT_JSON."""
    for decode in decoders:
        try:
            return decode(content)
        except ValueError, RecursionError:
            # Not raised: the decoder's error would keep the answer alive.
            continue
    return _NOT_JSON


def parse_answer(
    path: str, content: bytes, decoders: Sequence[JsonDecoder] = JSON_DECODERS
) -> dict[str, Any]:
    """Check an answer's JSON shape and code."""
    data = _decode_json(content, decoders)
    if data is _NOT_JSON:
        raise FlashForgeResponseError(f"{path}: the answer is not JSON")
    if not isinstance(data, dict):
        raise FlashForgeResponseError(f"{path}: the answer is not a JSON object")
    code = data.get("code")
    if not isinstance(code, int) or isinstance(code, bool):
        raise FlashForgeResponseError(f"{path}: the answer has no code")
    if code == CODE_OK:
        return data
    message = data.get("message")
    message = message if isinstance(message, str) else ""
    _LOGGER.debug("%s answered code %s: %s", path, code, message)
    if code == CODE_UNAUTHORIZED:
        raise FlashForgeAuthenticationError(
            f"{path}: the printer rejected the serial number or check code"
        )
    raise _COMMAND_ERRORS.get(code, FlashForgeCommandError)(code, message)


def answer_object(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """Return a nested JSON object, which an answer must carry."""
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise FlashForgeResponseError(f"The answer has no {key!r} object")
    return value


def answer_image(path: str, data: Mapping[str, Any]) -> bytes:
    """Return the Base64 image an answer carries, within the image cap."""
    image = data.get("imageData")
    if not isinstance(image, str):
        raise FlashForgeResponseError(f"{path}: the answer has no image")
    try:
        decoded = base64.b64decode(
            image.partition("base64,")[2] or image, validate=True
        )
    except ValueError:
        # binascii.Error, or characters beyond ASCII.
        decoded = None
    if decoded is None:
        raise FlashForgeResponseError(f"{path}: the image is not Base64")
    if len(decoded) > MAX_IMAGE_BYTES:
        raise FlashForgeResponseError(
            f"{path}: the image is bigger than {MAX_IMAGE_BYTES} bytes"
        )
    return decoded
