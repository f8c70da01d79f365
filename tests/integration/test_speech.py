"""Tests for what spoken answers say: times as a person says them, files, names."""

from hassil import Intents, recognize_all
import pytest

from custom_components.flashforge.speech import (
    Phrase,
    name_template,
    spoken_duration,
    spoken_file_name,
)


@pytest.mark.parametrize(
    ("seconds", "key", "hours", "minutes"),
    [
        (0, "duration_less_than_minute", None, None),
        (59, "duration_less_than_minute", None, None),
        (60, "duration_minute", "0", "1"),
        (89, "duration_minute", "0", "1"),
        (90, "duration_minutes", "0", "2"),
        (5 * 60 + 10, "duration_minutes", "0", "5"),
        (9 * 60 + 29, "duration_minutes", "0", "9"),
        # From ten minutes on, to five minutes.
        (12 * 60, "duration_minutes", "0", "10"),
        (13 * 60, "duration_minutes", "0", "15"),
        (57 * 60, "duration_minutes", "0", "55"),
        (58 * 60, "duration_hour", "1", "0"),
        # From an hour on, to ten minutes.
        (64 * 60, "duration_hour", "1", "0"),
        (65 * 60, "duration_hour_minutes", "1", "10"),
        (2 * 3600 + 8 * 60, "duration_hours_minutes", "2", "10"),
        (2 * 3600 + 3 * 60, "duration_hours", "2", "0"),
        (2 * 3600 + 56 * 60, "duration_hours", "3", "0"),
        (26 * 3600 + 31 * 60, "duration_hours_minutes", "26", "30"),
    ],
)
def test_spoken_duration(
    seconds: int, key: str, hours: str | None, minutes: str | None
) -> None:
    """A time left is rounded as a person says it, coarser the longer it is."""
    expected = (
        {} if hours is None or minutes is None else {"hours": hours, "minutes": minutes}
    )

    assert spoken_duration(seconds) == Phrase(key, expected)


@pytest.mark.parametrize(
    ("file_name", "spoken"),
    [
        ("3DBenchy_PLA.gcode", "3DBenchy PLA"),
        ("/data/Cube.3MF", "Cube"),
        ("user\\part  two.gx", "part two"),
        ("notes.txt", "notes.txt"),
        ("__.gcode", "__.gcode"),
    ],
)
def test_spoken_file_name(file_name: str, spoken: str) -> None:
    """A file is said without its folder, print extension and underscores."""
    assert spoken_file_name(file_name) == spoken


@pytest.mark.parametrize(
    ("name", "said", "matches"),
    [
        ("Adventurer 5M Pro", "pause adventurer 5m pro", True),
        ("Adventurer 5M (Pro)", "pause adventurer 5m pro", True),
        ("Adventurer 5M (Pro)", "pause Adventurer 5M (Pro)", True),
        ("Bob's [big] {printer} <x> a|b", "pause bob's big printer x a b", True),
        ("Bob's [big] {printer} <x> a|b", "pause Bob's [big] {printer} <x> a|b", True),
        ("Bob's [big] {printer} <x> a|b", "pause bob's", False),
        ("Drucker_1", "pause drucker 1", True),
        ("Printer", "pause another printer", False),
    ],
)
def test_name_template(name: str, said: str, matches: bool) -> None:
    """A name matches as written and as said, its punctuation never as syntax."""
    intents = Intents.from_dict(
        {
            "language": "en",
            "intents": {
                "pause": {"data": [{"sentences": [f"pause {name_template(name)}"]}]}
            },
        }
    )

    assert bool(list(recognize_all(said, intents))) is matches
