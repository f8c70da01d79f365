"""Record which attributes of a printer's detail a piece of code reads."""

from typing import Any

from custom_components.flashforge.api import PrinterDetail


class Recording:
    """A PrinterDetail that notes the name of every attribute read from it."""

    def __init__(self, detail: PrinterDetail, reads: set[str]) -> None:
        """Wrap a detail; reads go into the given set."""
        self.detail = detail
        self.reads = reads

    def __getattr__(self, name: str) -> Any:
        """Note the read and answer it from the detail."""
        self.reads.add(name)
        return getattr(self.detail, name)
