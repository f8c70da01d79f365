"""What G-code a user may send over the TCP API, and how a line names its command."""

from collections.abc import Sequence
import re
from typing import Final

from ..errors import FlashForgeGcodeError, GcodeProblem
from .const import MAX_GCODE_LINE_LENGTH, MAX_GCODE_LINES, SESSION_CODES

# What a command starts with: a letter and a number ("G28", "M104", "G1X5").
_CODE: Final = re.compile(r"([GMT])(\d{1,5})(?![\d.])", re.IGNORECASE)


def command_code(command: str) -> str | None:
    """Return a command's code as replies name it ("M104"), None if it has none."""
    if (match := _CODE.match(command)) is None:
        return None
    return f"{match.group(1).upper()}{int(match.group(2))}"


def gcode_lines(gcode: str | Sequence[str]) -> list[str]:
    """Return G-code fit to send, one command a line, or refuse it whole.

    A text is split at its line breaks; a sequence's items are lines already,
    and one holding a line break is refused like any control character.
    Comments (after ``;``) and blank lines are left out. A tilde starts a
    command on the wire, so one anywhere would smuggle in another command:
    refused, as are the commands that take or release control or move files
    (``SESSION_CODES``), which would lock other programs out or break the
    session. Raises ``FlashForgeGcodeError`` before anything is sent.
    """
    raw = gcode.split("\n") if isinstance(gcode, str) else gcode
    lines = [command for line in raw if (command := line.split(";", 1)[0].strip())]
    if not lines:
        raise FlashForgeGcodeError(GcodeProblem.EMPTY)
    if len(lines) > MAX_GCODE_LINES:
        raise FlashForgeGcodeError(
            GcodeProblem.TOO_MANY_LINES, max_lines=str(MAX_GCODE_LINES)
        )
    for command in lines:
        if (
            len(command) > MAX_GCODE_LINE_LENGTH
            or "~" in command
            or not command.isprintable()
            or not command.isascii()
        ):
            raise FlashForgeGcodeError(
                GcodeProblem.INVALID_LINE,
                line=command[:MAX_GCODE_LINE_LENGTH],
                max_length=str(MAX_GCODE_LINE_LENGTH),
            )
        code = command_code(command)
        if code is None or code in SESSION_CODES:
            raise FlashForgeGcodeError(
                GcodeProblem.NOT_ALLOWED, code=command.split(" ", 1)[0][:16]
            )
    return lines
