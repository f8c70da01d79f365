"""Lenient readers of the values a printer reports.

Printers add, drop and mistype fields between firmware versions: every reader
here turns a missing, mistyped or oversized value into ``None`` (or cuts it to
its bound) rather than raising, whatever the input.
"""

from collections.abc import Collection, Iterator, Mapping
import ipaddress
from itertools import compress
from math import copysign
from operator import ne
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
# JSON's values that compare alike when equal (a float's sign of zero does not).
_SCALARS = frozenset({str, int, bool, type(None)})
# The values that may compare equal when read apart (see KeyChanges).
_DELICATE = frozenset({float, list, dict})
# Stands for a key an answer did not have.
_ABSENT = object()
# A dotted number such as 3.2.7; a version with more parts, or longer ones,
# is none a printer runs (and int() refuses over 4,300 digits).
_VERSION = re.compile(r"\d+(?:\.\d+)*")
_MAX_VERSION_PARTS = 8
_MAX_VERSION_PART_DIGITS = 9
_MAC = re.compile(r"[0-9A-Fa-f]{2}([:-]?)[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}")
_MAC_LENGTH = 17
# The longest textual IPv6 address, with an embedded IPv4 one.
_IP_LENGTH = 45
# A nozzle's size as firmware words it: "0.4mm", "0.6 mm", "0.4".
_NOZZLE_SIZE = re.compile(r"(\d{1,2}(?:\.\d{1,3})?)\s*(?:mm)?", re.IGNORECASE)
# Firmware says "no error" with no code, or a code of zeros ("0", "E0").
_NO_ERROR = re.compile(r"E?0+", re.IGNORECASE)


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


class BoundedAnswer(Mapping[str, Any]):
    """An answer as ``bounded_raw`` gives it, cut only once something reads it.

    Only diagnostics read a detail's raw answer: a poll keeps the answer it
    decoded, with no copy.
    """

    __slots__ = ("_answer", "_bounded")

    def __init__(self, answer: Mapping[str, Any]) -> None:
        """Keep the decoded answer, which nothing changes afterwards."""
        self._answer = answer
        self._bounded: dict[str, Any] | None = None

    def _cut(self) -> dict[str, Any]:
        """Return the bounded answer, cut on the first call."""
        if self._bounded is None:
            self._bounded = bounded_raw(dict(self._answer))
        return self._bounded

    def __getitem__(self, key: str) -> Any:
        """Return a key's bounded value."""
        return self._cut()[key]

    def __iter__(self) -> Iterator[str]:
        """Iterate over the answer's keys."""
        return iter(self._cut())

    def __len__(self) -> int:
        """Return how many keys the answer has."""
        return len(self._answer)

    def __eq__(self, other: object) -> bool:
        """Compare as the bounded answer does."""
        if isinstance(other, BoundedAnswer):
            other = other._cut()
        return self._cut() == other

    __hash__ = None  # type: ignore[assignment]  # as a dict's

    def __repr__(self) -> str:
        """Show the bounded answer."""
        return repr(self._cut())


def same_json(value: object, other: object) -> bool:
    """Return whether two decoded JSON values are alike down to their types and order.

    The readers tell 1 from 1.0 and True, and -0.0 from 0.0, which equality
    does not; the values' representations do (and need no recursion here).
    """
    if type(value) is not type(other):
        return False
    try:
        return repr(value) == repr(other)
    except RecursionError:
        # Nested too deep to compare: read again, as bounded as ever.
        return False


def changed_keys(data: Mapping[str, Any], previous: Mapping[str, Any]) -> set[str]:
    """Return the keys whose values differ between the answers, or that one lacks."""
    get = previous.get
    # Equality settles the texts, whole and non-zero numbers nearly every
    # value is; same_json the zero floats and containers.
    return {
        key
        for key, value in data.items()
        if (old := get(key, _ABSENT)) is not value
        and not (
            type(old) is type(value)
            and (
                old == value
                if type(value) in _SCALARS or (value and type(value) is float)
                else same_json(value, old)
            )
        )
    }.union(previous.keys() - data.keys())


class KeyChanges:
    """Tell the keys of successive answers that changed, as ``changed_keys`` does.

    A printer sends the same keys in the same order, with values of the same
    types, poll after poll: then one pass in C compares the values, and only
    zero floats and containers (equal yet read apart when a sign or an inner
    type differs) are looked at one by one.
    """

    __slots__ = ("_data", "_delicate", "_keys", "_types", "_values")

    def __init__(self) -> None:
        """Start from an answer without keys."""
        self._data: Mapping[str, Any] = {}
        self._keys: list[str] = []
        self._types: list[type] = []
        self._values: list[Any] = []
        # Where the layout's floats and containers are.
        self._delicate: tuple[int, ...] = ()

    def since_last(self, data: Mapping[str, Any]) -> Collection[str]:
        """Return the keys whose values differ from the last answer's, or that one lacks."""
        keys, values = list(data), list(data.values())
        types = list(map(type, values))
        changed: Collection[str] | None = (
            self._in_place(keys, values)
            if keys == self._keys and types == self._types
            else None
        )
        if changed is None:
            changed = changed_keys(data, self._data)
            self._keys, self._types = keys, types
            self._delicate = tuple(
                index for index, kind in enumerate(types) if kind in _DELICATE
            )
        self._data, self._values = data, values
        return changed

    def _in_place(self, keys: list[str], values: list[Any]) -> list[str] | None:
        """Return the changed keys of an answer laid out as the last; None if too deep."""
        old = self._values
        try:
            differ = list(map(ne, values, old, strict=True))
        except RecursionError:
            return None
        changed = list(compress(keys, differ))
        for index in self._delicate:
            if differ[index]:
                continue
            value, last = values[index], old[index]
            if type(value) is float:
                # Equal floats differ only in the sign of a zero.
                if not value and copysign(1.0, value) != copysign(1.0, last):
                    changed.append(keys[index])
            elif not same_json(value, last):
                changed.append(keys[index])
        return changed


def as_number(value: object) -> float | None:
    """Return a finite number within 64 bits, accepting numeric strings; None otherwise.

    JSON decoders differ on whole numbers beyond 64 bits (orjson reads them
    as floats): no reading is that big, so none is taken, whatever its type.
    """
    # Plain floats and ints are nearly every value: settle them first.
    if type(value) is float or type(value) is int:
        return (
            float(value) if -_WHOLE_NUMBER_LIMIT < value < _WHOLE_NUMBER_LIMIT else None
        )
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float) and abs(value) < _WHOLE_NUMBER_LIMIT:
        return float(value)
    return None


def nozzle_size_value(value: object) -> float | None:
    """Return a nozzle's diameter in mm, from "0.4mm", "0.4" or 0.4; None if none."""
    if isinstance(value, str):
        match = _NOZZLE_SIZE.fullmatch(value.strip())
        value = match.group(1) if match else None
    size = amount_value(value)
    return size or None


def error_code_text(value: object) -> str | None:
    """Return the printer's error code; None when it reports none ("", "0", "E0")."""
    code = bounded_text(value)
    return None if code is None or _NO_ERROR.fullmatch(code) else code


def int_value(value: object) -> int | None:
    """Return a whole number (a float with a fraction is truncated)."""
    number = as_number(value)
    return None if number is None else int(number)


def count_value(value: object) -> int | None:
    """Return a count, size or duration: a whole number, never negative."""
    number = as_number(value)
    return None if number is None or number < 0 else int(number)


def amount_value(value: object) -> float | None:
    """Return an amount (length, weight, space, percentage): never negative."""
    number = as_number(value)
    return number if number is not None and number >= 0 else None


def ratio_value(value: object) -> float | None:
    """Return a ratio from 0 to 1; anything outside is not one."""
    number = as_number(value)
    return number if number is not None and 0 <= number <= 1 else None


def temperature_value(value: object) -> float | None:
    """Return a temperature, None for the firmware's no-sensor sentinels."""
    number = as_number(value)
    if number is None or number < _LOWEST_REAL_TEMPERATURE:
        return None
    return number


def temperatures_value(value: object) -> tuple[float | None, ...]:
    """Return a list of per-nozzle temperatures, a printer's worth at most."""
    if not isinstance(value, list):
        return ()
    return tuple(temperature_value(item) for item in value[:MAX_PARTS])


def read_float(data: Mapping[str, Any], key: str) -> float | None:
    """Read a finite number."""
    return as_number(data.get(key))


def read_int(data: Mapping[str, Any], key: str) -> int | None:
    """Read a whole number (a float with a fraction is truncated)."""
    return int_value(data.get(key))


def read_count(data: Mapping[str, Any], key: str) -> int | None:
    """Read a count, size or duration: a whole number, never negative."""
    return count_value(data.get(key))


def read_amount(data: Mapping[str, Any], key: str) -> float | None:
    """Read an amount (length, weight, space, percentage): never negative."""
    return amount_value(data.get(key))


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


def flag_value(value: object) -> bool | None:
    """Return an on/off flag sent as "open"/"close", a boolean or 0/1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return {"open": True, "close": False}.get(value.strip().lower())
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    return None


def flag_on(value: object) -> bool:
    """Return whether a flag is reported on; unknown counts as off."""
    return flag_value(value) is True


def read_flag(data: Mapping[str, Any], key: str) -> bool | None:
    """Read an on/off flag sent as "open"/"close", a boolean or 0/1."""
    return flag_value(data.get(key))


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
