"""Coordinator that polls a FlashForge printer."""

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import TimestampDataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .api import (
    DEFAULT_PORT,
    DEFAULT_TCP_PORT,
    LEGACY_CAMERA_PORT,
    FlashForgeAuthenticationError,
    FlashForgeClosedError,
    FlashForgeConnectionError,
    FlashForgeError,
    FlashForgeInUseError,
    FlashForgePrinter,
    PrinterDetail,
    ProductInfo,
)
from .const import (
    CONF_CAMERA_PORT,
    CONF_CHECK_CODE,
    CONF_SERIAL_NUMBER,
    CONF_TCP_PORT,
    DOMAIN,
    FAST_INTERVAL,
    LOGGER,
    SLOW_INTERVAL,
    UNREACHABLE_REPAIR_AFTER,
)
from .dispatch import FieldDispatch
from .errors import Task, translated_error
from .history import PrintHistoryKeeper
from .issues import (
    async_printer_unreachable,
    async_suggest_firmware_update,
    unreachable_issue_id,
)

type FlashForgeConfigEntry = ConfigEntry[FlashForgeCoordinator]


def printer_for(hass: HomeAssistant, data: Mapping[str, Any]) -> FlashForgePrinter:
    """Return the printer an entry's data names, on Home Assistant's shared session."""
    return FlashForgePrinter(
        data[CONF_HOST],
        data[CONF_SERIAL_NUMBER],
        data.get(CONF_CHECK_CODE),
        port=data.get(CONF_PORT, DEFAULT_PORT),
        tcp_port=data.get(CONF_TCP_PORT),
        camera_port=data.get(CONF_CAMERA_PORT, LEGACY_CAMERA_PORT),
        session=async_get_clientsession(hass),
    )


class FlashForgeCoordinator(TimestampDataUpdateCoordinator[PrinterDetail]):
    """Poll ``/detail``: fast while the printer works, slowly while it idles.

    A listener's context is the fields of PrinterDetail it reads; an update
    calls only the listeners whose fields changed (see async_update_listeners).
    """

    config_entry: FlashForgeConfigEntry
    product: ProductInfo
    # The fields the current listener pass found changed; None while it calls
    # every listener (availability changed, or nothing to compare with).
    changed_fields: frozenset[str] | None = None
    history: PrintHistoryKeeper  # the printer's jobs, kept from setup on
    # Whether a poll that finds the TCP API in another program's hands may
    # keep the last values: once, so a slicer's short session goes unseen.
    _in_use_grace = True

    def __init__(
        self, hass: HomeAssistant, config_entry: FlashForgeConfigEntry
    ) -> None:
        """Make the printer from the entry, on Home Assistant's shared session."""
        self.printer = printer_for(hass, config_entry.data)
        self._find_tcp = (
            self.printer.has_http and CONF_TCP_PORT not in config_entry.data
        )
        self._dispatch = FieldDispatch(self.printer.detail_changes)
        super().__init__(
            hass,
            LOGGER,
            config_entry=config_entry,
            name=config_entry.title,
            always_update=False,
        )
        self._adapt_interval(None)
        # Until the first answer, the printer counts as missing since setup
        # began: a setup that keeps retrying makes a new coordinator each
        # time, and the entry keeps the last one while it has not loaded.
        self._tried_since = dt_util.utcnow()
        previous = getattr(config_entry, "runtime_data", None)
        if (
            isinstance(previous, FlashForgeCoordinator)
            and previous.last_update_success_time is None
            and (previous.printer.host, previous.printer.port)
            == (self.printer.host, self.printer.port)
        ):
            self._tried_since = previous._tried_since  # noqa: SLF001

    @callback
    @override
    def async_add_listener(
        self, update_callback: CALLBACK_TYPE, context: Any = None
    ) -> Callable[[], None]:
        """Listen for changes of the fields in context; to every update for None."""
        self._dispatch.listener_added(context)
        remove = super().async_add_listener(update_callback, context)

        @callback
        def remove_listener() -> None:
            remove()
            self._dispatch.listener_removed()

        return remove_listener

    @callback
    @override
    def async_update_listeners(self) -> None:
        """Call the listeners whose fields changed; all when availability changed."""
        self.changed_fields = changed = self._dispatch.changed(
            self.last_update_success, self.data
        )
        for update_callback in self._dispatch.to_call(self._listeners, changed):
            try:
                update_callback()
            except Exception:
                self.logger.exception(
                    "Unexpected error updating listener %s for %s",
                    id(update_callback),
                    self.name,
                )

    def _adapt_interval(self, detail: PrinterDetail | None) -> None:
        """Pick the interval for the printer's state."""
        busy = detail is not None and detail.status.working
        self.update_interval = FAST_INTERVAL if busy else SLOW_INTERVAL

    async def _async_setup(self) -> None:
        """Read what the printer can control, once."""
        self.product = await self._fetch(self.printer.product)

    async def _async_find_tcp(self) -> None:
        """Use the TCP API of an HTTP printer made before it was known, if it answers.

        Entries made before the TCP API was used carry no port for it; one
        found is kept in the entry, one not found is looked for at the next
        setup (the printer may have been busy or off). It runs after the
        first read, which tells a Creator 5 (no TCP API) without another.
        """
        self._find_tcp = False
        if not await self._fetch(partial(self.printer.find_tcp, DEFAULT_TCP_PORT)):
            return
        self.hass.config_entries.async_update_entry(
            self.config_entry,
            data={**self.config_entry.data, CONF_TCP_PORT: self.printer.tcp_port},
        )

    async def _async_update_data(self) -> PrinterDetail:
        """Read the printer's state.

        A printer whose TCP API another program holds keeps its last values
        for one poll, then shows unavailable until that program lets go.
        """
        try:
            detail = await self.printer.detail()
        except FlashForgeInUseError as err:
            if self._in_use_grace and self.data is not None:
                self._in_use_grace = False
                return self.data
            raise self._async_failure(err) from err
        except FlashForgeError as err:
            raise self._async_failure(err) from err
        self._in_use_grace = True
        if self._find_tcp:
            await self._async_find_tcp()
        self._async_printer_reached()
        self._async_check_firmware(detail)
        # The next refresh is scheduled after this returns, with this interval.
        self._adapt_interval(detail)
        return detail

    async def _fetch[T](self, request: Callable[[], Awaitable[T]]) -> T:
        """Run a read, turning library errors into Home Assistant's."""
        try:
            return await request()
        except FlashForgeError as err:
            raise self._async_failure(err) from err

    @callback
    def _async_failure(self, err: FlashForgeError) -> HomeAssistantError:
        """Return Home Assistant's error for a failed request; note a missed printer."""
        if isinstance(err, FlashForgeConnectionError):
            self._async_printer_missed()
        return translated_error(err, Task.POLL, host=self.printer.host)

    @callback
    def async_request_failed(self, err: FlashForgeError) -> bool:
        """Take a failed command as the poll's result, where it tells the printer's state.

        A printer that did not answer, or refused the check code, would do
        the same if read right away: its failure stands for that read, so
        the entities go unavailable and reauthentication starts, each once.
        Return whether the failure told; if not, a read tells more.
        """
        if isinstance(err, FlashForgeClosedError):
            # The entry is being unloaded: there is nothing left to show.
            return True
        if not isinstance(
            err, FlashForgeConnectionError | FlashForgeAuthenticationError
        ):
            return False
        self.async_set_update_error(self._async_failure(err))
        if isinstance(err, FlashForgeAuthenticationError):
            self.config_entry.async_start_reauth(self.hass)
        return True

    @callback
    def _async_printer_missed(self) -> None:
        """Raise a repair issue once the printer has been away for long."""
        last_seen = self.last_update_success_time or self._tried_since
        if dt_util.utcnow() - last_seen >= UNREACHABLE_REPAIR_AFTER:
            async_printer_unreachable(self.hass, self.config_entry, self.printer.host)

    @callback
    def _async_printer_reached(self) -> None:
        """Clear the unreachable repair issue once the printer answers again."""
        if not self.last_update_success or self.last_update_success_time is None:
            ir.async_delete_issue(
                self.hass, DOMAIN, unreachable_issue_id(self.config_entry)
            )

    @callback
    def _async_check_firmware(self, detail: PrinterDetail) -> None:
        """Suggest a firmware update to a 5M that lacks the HTTP API, or take it back.

        Printers that never get the HTTP API are never told.
        """
        if (
            self.data is not None
            and self.data.firmware_version == detail.firmware_version
        ):
            return
        async_suggest_firmware_update(
            self.hass,
            self.config_entry,
            detail.firmware_version,
            suggest=self.printer.firmware_update_suggested(detail),
        )
