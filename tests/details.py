"""What tells two printer details apart, for tests of the parser and the coordinator."""

from dataclasses import fields

from custom_components.flashforge.api import PrinterDetail


def fields_that_differ(before: PrinterDetail, after: PrinterDetail) -> frozenset[str]:
    """Return the compared fields in which two details differ, by comparing each."""
    return frozenset(
        field.name
        for field in fields(PrinterDetail)
        if field.compare and getattr(before, field.name) != getattr(after, field.name)
    )
