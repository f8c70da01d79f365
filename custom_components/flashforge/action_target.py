"""The printers an action targets: each picked once, read and checked alike."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Final

from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, service
import probatio

from .api import FileTool, PrinterDetail, PrinterFile, check_file_name
from .const import DOMAIN
from .coordinator import FlashForgeConfigEntry, FlashForgeCoordinator
from .errors import Task, refusals
from .helpers import async_gather_all, async_read

# The schema of an action's device_id: one or more devices.
DEVICES: Final = probatio.All(cv.ensure_list, [cv.string], probatio.Length(min=1))


@dataclass(frozen=True, slots=True)
class ActionTarget:
    """A targeted printer: the device picked, its name and its coordinator.

    The coordinator is kept: the entry drops it when unloaded, maybe mid-call.
    """

    device_id: str
    name: str
    coordinator: FlashForgeCoordinator

    async def async_detail(self) -> PrinterDetail:
        """Read the printer's current state."""
        return await async_read(
            self.coordinator, self.coordinator.printer.detail(), name=self.name
        )

    async def async_recent_files(self) -> list[PrinterFile]:
        """Read the printer's recent files."""
        return await async_read(
            self.coordinator, self.coordinator.printer.recent_files(), name=self.name
        )

    async def async_file_tools(self, file_name: str) -> Sequence[FileTool]:
        """Return the tools of a file on the printer; empty when it is not listed."""
        files = await self.async_recent_files()
        return next((file.tools for file in files if file.name == file_name), ())

    async def async_files(self) -> list[PrinterFile]:
        """Read every file the printer lists; the recent ones with their details.

        Over TCP the list is whole but bare; the HTTP API's recent files carry
        the printing time, weight and tools, so theirs are kept.
        """
        printer = self.coordinator.printer
        if not (printer.has_tcp and printer.has_http):
            return await async_read(self.coordinator, printer.files(), name=self.name)
        files, recent = await async_gather_all(
            [
                async_read(self.coordinator, printer.files(), name=self.name),
                self.async_recent_files(),
            ]
        )
        detailed = {file.name: file for file in recent}
        return [detailed.get(file.name, file) for file in files]

    async def async_thumbnail(self, file_name: str) -> bytes:
        """Read a stored file's thumbnail; a missing file is named, as printing it would."""
        return await async_read(
            self.coordinator,
            self.coordinator.printer.thumbnail(file_name),
            Task.PRINT,
            name=self.name,
            file_name=file_name,
        )

    def check_offers(self, offered: bool) -> None:
        """Refuse a printer that lacks what the action needs (the TCP API's extras).

        ``offered`` is the printer's answer, such as ``has_tcp``.
        """
        if not offered:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="tcp_api_required",
                translation_placeholders={"name": self.name},
            )

    def check_options(self, data: Mapping[str, Any], options: Sequence[str]) -> None:
        """Refuse options a TCP-only printer has not, rather than ignore them."""
        if self.coordinator.printer.has_http:
            return
        for option in options:
            if option in data:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="option_not_supported",
                    translation_placeholders={"name": self.name, "option": option},
                )

    def check_stored_name(self, file_name: str) -> None:
        """Refuse a name no stored file can have on the printer.

        A TCP-only printer names its files by path, as list_files gives
        them: the path's last part is the name.
        """
        if not self.coordinator.printer.has_http:
            file_name = PurePosixPath(file_name).name
        with refusals(name=self.name, file_name=file_name):
            check_file_name(file_name)

    async def async_check_idle(self, key: str) -> None:
        """Refuse a printer with a job running or paused."""
        detail = await self.async_detail()
        if detail.status.job_loaded:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders={"name": self.name},
            )


@callback
def async_targets(call: ServiceCall) -> list[ActionTarget]:
    """Return the loaded printers behind the call's devices, each once."""
    targets: dict[str, ActionTarget] = {}
    for device_id in call.data[ATTR_DEVICE_ID]:
        entry: FlashForgeConfigEntry
        _, entry = service.async_get_device_and_config_entry(
            call.hass, DOMAIN, device_id, include_child_devices=False
        )
        targets.setdefault(
            entry.entry_id, ActionTarget(device_id, entry.title, entry.runtime_data)
        )
    return list(targets.values())
