"""Work out what a spoken answer says: a time as a person says it, a file, a name."""

from pathlib import PurePosixPath
import re
from typing import NamedTuple

# Extensions a job's file carries that no one says aloud.
FILE_EXTENSIONS = frozenset({".gcode", ".gx", ".3mf", ".g"})

# What hassil reads as syntax in a sentence template: a name's own are escaped.
_TEMPLATE_SYNTAX = re.compile(r"([\\()\[\]{}<>|])")
# What a speech-to-text engine does not write: the name is also heard without it.
_UNSPOKEN = re.compile(r"[^\w\s']|_")


class Phrase(NamedTuple):
    """A translation key under "common" and the values its text quotes."""

    key: str
    placeholders: dict[str, str]


def _round_to(value: int, step: int) -> int:
    """Return value rounded half up to a multiple of step."""
    return (value + step // 2) // step * step


def spoken_duration(seconds: float) -> Phrase:
    """Return a time left as a person says it: coarser the longer it is.

    Under ten minutes to the minute, under an hour to five minutes, beyond to
    ten minutes: "about 2 hours and 10 minutes", "about 5 minutes".
    """
    if seconds < 60:
        return Phrase("duration_less_than_minute", {})
    minutes = round(seconds / 60)
    step = 1 if minutes < 10 else 5 if minutes < 60 else 10
    hours, minutes = divmod(_round_to(minutes, step), 60)
    hour_part = "" if hours == 0 else "hour" if hours == 1 else "hours"
    minute_part = "" if minutes == 0 else "minute" if minutes == 1 else "minutes"
    key = "_".join(part for part in (hour_part, minute_part) if part)
    return Phrase(f"duration_{key}", {"hours": str(hours), "minutes": str(minutes)})


def spoken_file_name(file_name: str) -> str:
    """Return a job's file as said aloud: no folder, no extension, no underscores."""
    path = PurePosixPath(file_name.replace("\\", "/"))
    stem = path.stem if path.suffix.lower() in FILE_EXTENSIONS else path.name
    return " ".join(stem.replace("_", " ").split()) or file_name


def name_template(name: str) -> str:
    """Return a sentence template part matching the name, as written or as said.

    The name is matched word for word (case aside); a name with punctuation
    is also matched without it, as a speech-to-text engine writes it.
    """
    written = _TEMPLATE_SYNTAX.sub(r"\\\1", name.strip())
    said = " ".join(_UNSPOKEN.sub(" ", name).split())
    if not said or said == name.strip():
        return written
    return f"({written}|{said})"
