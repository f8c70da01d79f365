"""Lenient readers of the values a printer reports.

Printers add, drop and mistype fields between firmware versions: every reader
here turns a missing, mistyped or oversized value into ``None`` (or cuts it to
its bound) rather than raising, whatever the input.
"""

from collections.abc import Mapping
import ipaddress
import math
import re
from typing import Any

from .const import MAX_PARTS, MAX_TEXT_LENGTH, MAX_URL_LENGTH
from .upload import MAX_FILE_NAME_BYTES

# Readings below this are sentinels for "no sensor" (-108, -109, ...).
_LOWEST_REAL_TEMPERATURE = -50.0
# Whole numbers beyond 64 bits are no count, time or id a printer keeps.
_WHOLE_NUMBER_LIMIT = 2**63
# Nothing a printer reports nests deeper than this, or has longer texts; the
# raw answer kept for diagnostics is cut there, so any input can be shown.
_RAW_DEPTH = 8
_RAW_TEXT_LENGTH = 1024
_CUT = "…"
_PLAIN = frozenset({int, float, bool, type(None)})
# A dotted number such as 3.2.7; a version with more parts, or longer ones,
# is none a printer runs (and int() refuses over 4,300 digits).
_VERSION = re.compile(r"\d+(?:\.\d+)*")
_MAX_VERSION_PARTS = 8
_MAX_VERSION_PART_DIGITS = 9
_MAC = re.compile(r"[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}")
_MAC_LENGTH = 17
# The longest textual IPv6 address, with an embedded IPv4 one.
_IP_LENGTH = 45


def parse_version(version: str | None) -> tuple[int, ...] | None:
    """Return "v3.1.3" or "3.2.7-beta" as (3, 1, 3) or (3, 2, 7); None if unreadable.

    Whatever the printer reports, this returns; it never raises.
    """
    if not isinstance(version, str) or (match := _VERSION.search(version)) is None:
        return None
    parts = match.group().split(".", _MAX_VERSION_PARTS)
    if len(parts) > _MAX_VERSION_PARTS or any(
        len(part) > _MAX_VERSION_PART_DIGITS for part in parts
    ):
        return None
    return tuple(int(part) for part in parts)


def bounded_raw(value: object, depth: int = _RAW_DEPTH) -> Any:
    """Return a JSON value with deeper containers and longer texts cut short."""
    if isinstance(value, str):
        return (
            value[:_RAW_TEXT_LENGTH] + _CUT if len(value) > _RAW_TEXT_LENGTH else value
        )
    if not isinstance(value, dict | list):
        return value
    if depth == 0:
        return _CUT
    if isinstance(value, list):
        return [bounded_raw(item, depth - 1) for item in value]
    # Most values are numbers, taken as they are: a call or an ABC check per
    # value would double a parse's cost.
    return {
        key: item if type(item) in _PLAIN else bounded_raw(item, depth - 1)
        for key, item in value.items()
    }


def as_number(value: object) -> float | None:
    """Return a finite number, accepting numeric strings; None otherwise."""
    # Plain floats and ints are nearly every value: settle them first.
    if type(value) is float:
        return value if math.isfinite(value) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int):
        return float(value) if abs(value) < _WHOLE_NUMBER_LIMIT else None
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def read_float(data: Mapping[str, Any], key: str) -> float | None:
    """Read a finite number."""
    return as_number(data.get(key))


def read_int(data: Mapping[str, Any], key: str) -> int | None:
    """Read a whole number (a float with a fraction is truncated)."""
    number = as_number(data.get(key))
    if number is None or abs(number) >= _WHOLE_NUMBER_LIMIT:
        return None
    return int(number)


def read_count(data: Mapping[str, Any], key: str) -> int | None:
    """Read a count, size or duration: a whole number, never negative."""
    number = as_number(data.get(key))
    if number is None or not 0 <= number < _WHOLE_NUMBER_LIMIT:
        return None
    return int(number)


def read_amount(data: Mapping[str, Any], key: str) -> float | None:
    """Read an amount (length, weight, space, percentage): never negative."""
    number = as_number(data.get(key))
    return number if number is not None and number >= 0 else None


def read_ratio(data: Mapping[str, Any], key: str) -> float | None:
    """Read a ratio from 0 to 1; anything outside is not one."""
    number = as_number(data.get(key))
    return number if number is not None and 0 <= number <= 1 else None


def temperature_value(value: object) -> float | None:
    """Return a temperature, None for the firmware's no-sensor sentinels."""
    number = as_number(value)
    if number is None or number < _LOWEST_REAL_TEMPERATURE:
        return None
    return number


def read_temperature(data: Mapping[str, Any], key: str) -> float | None:
    """Read a temperature."""
    return temperature_value(data.get(key))


def read_temperatures(data: Mapping[str, Any], key: str) -> tuple[float | None, ...]:
    """Read a list of per-nozzle temperatures, a printer's worth at most."""
    values = data.get(key)
    if not isinstance(values, list):
        return ()
    return tuple(temperature_value(value) for value in values[:MAX_PARTS])


def printable(value: str) -> str:
    """Return the text with line breaks made spaces and other controls dropped."""
    if value.isprintable():
        return value
    return "".join(
        char if char.isprintable() else " " if char.isspace() else "" for char in value
    )


def bounded_text(value: object, limit: int = MAX_TEXT_LENGTH) -> str | None:
    """Return a non-empty text, cleaned of controls and cut to limit characters."""
    if not isinstance(value, str):
        return None
    return printable(value).strip()[:limit].rstrip() or None


def read_text(
    data: Mapping[str, Any], key: str, limit: int = MAX_TEXT_LENGTH
) -> str | None:
    """Read a non-empty text, cleaned of controls and cut to limit characters."""
    return bounded_text(data.get(key), limit)


def token(value: object, limit: int) -> str | None:
    """Return an identifier (a version, URL, file name) whole, or None.

    Cutting or cleaning an identifier would make it name something else.
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > limit or not value.isprintable():
        return None
    return value


def file_name_text(value: object) -> str | None:
    """Return a file name the printer could store (255 bytes of UTF-8 at most)."""
    name = token(value, MAX_FILE_NAME_BYTES)
    if name is None or len(name.encode()) > MAX_FILE_NAME_BYTES:
        return None
    return name


def url_text(value: object) -> str | None:
    """Return an HTTP URL without spaces, else None."""
    url = token(value, MAX_URL_LENGTH)
    if (
        url is None
        or not url.lower().startswith(("http://", "https://"))
        or any(char.isspace() for char in url)
    ):
        return None
    return url


def mac_text(value: object) -> str | None:
    """Return a MAC address (six hex pairs split by colons, dashes or nothing)."""
    mac = token(value, _MAC_LENGTH)
    return mac if mac is not None and _MAC.fullmatch(mac) else None


def ip_text(value: object) -> str | None:
    """Return an IPv4 or IPv6 address, else None."""
    address = token(value, _IP_LENGTH)
    if address is None:
        return None
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def read_flag(data: Mapping[str, Any], key: str) -> bool | None:
    """Read an on/off flag sent as "open"/"close", a boolean or 0/1."""
    value = data.get(key)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"open": True, "close": False}.get(value.strip().lower())
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    return None


def read_mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """Read a nested object, empty when absent or mistyped."""
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def read_mappings(
    data: Mapping[str, Any], key: str, limit: int | None = None
) -> list[Mapping[str, Any]]:
    """Read a list of nested objects, skipping anything that is not one.

    With a ``limit``, the objects after that many are dropped.
    """
    values = data.get(key)
    if not isinstance(values, list):
        return []
    return [value for value in values if isinstance(value, Mapping)][:limit]


def product_id(value: object) -> int | None:
    """Read the product id: an integer, or a hex string such as "0024"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip(), 16)
        except ValueError:
            return None
    return None
