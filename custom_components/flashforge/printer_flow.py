"""What the config flow's steps share: find out what a printer speaks, and add it.

The flow asks the address which APIs the printer speaks: one with the HTTP
API is added with its serial number and check code; one that speaks only the
legacy TCP API (Adventurer 3 and 4, a 5M on firmware before 3.1.3) needs
neither, as its M115 tells who it is.
"""

from collections.abc import Callable, Mapping
from typing import Any, Final

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio

from .api import (
    DEFAULT_PORT,
    DEFAULT_TCP_PORT,
    LegacyInfo,
    PrinterDetail,
    PrinterProbe,
    probe_printer,
)
from .api.discovery import DiscoveredPrinter
from .const import CONF_CHECK_CODE, CONF_SERIAL_NUMBER, CONF_TCP_PORT, LOGGER
from .coordinator import printer_for
from .errors import form_error

TEXT_SELECTOR = TextSelector()
PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
PORT_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=1, max=65535, step=1, mode=NumberSelectorMode.BOX)
)

# A printer with only the TCP API needs no serial number or check code.
USER_SCHEMA = probatio.Schema(
    {
        probatio.Optional(CONF_HOST): TEXT_SELECTOR,
        probatio.Required(CONF_PORT, default=DEFAULT_PORT): PORT_SELECTOR,
        probatio.Required(CONF_TCP_PORT, default=DEFAULT_TCP_PORT): PORT_SELECTOR,
        probatio.Optional(CONF_SERIAL_NUMBER): TEXT_SELECTOR,
        probatio.Optional(CONF_CHECK_CODE): PASSWORD_SELECTOR,
    }
)
CHECK_CODE_SCHEMA = probatio.Schema(
    {probatio.Required(CONF_CHECK_CODE): PASSWORD_SELECTOR}
)
# The check code is never filled in (the form goes to the browser): empty keeps it.
RECONFIGURE_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_HOST): TEXT_SELECTOR,
        probatio.Required(CONF_PORT): PORT_SELECTOR,
        probatio.Optional(CONF_CHECK_CODE): PASSWORD_SELECTOR,
    }
)

TCP_RECONFIGURE_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_HOST): TEXT_SELECTOR,
        probatio.Required(CONF_TCP_PORT): PORT_SELECTOR,
    }
)

# What an entry's data holds: an HTTP printer's, with CONF_TCP_PORT where
# the TCP API answered too, and a TCP-only printer's.
ENTRY_KEYS: Final = (CONF_HOST, CONF_PORT, CONF_SERIAL_NUMBER, CONF_CHECK_CODE)
TCP_ENTRY_KEYS: Final = (CONF_HOST, CONF_SERIAL_NUMBER, CONF_TCP_PORT)


def typed_text(user_input: Mapping[str, Any], key: str) -> str:
    """Return a text field without the whitespace pasting tends to add."""
    return str(user_input.get(key) or "").strip()


class PrinterFlow(ConfigFlow):
    """Find out which APIs a printer speaks, test it, and add it (no steps here)."""

    def __init__(self) -> None:
        """Start with nothing typed or found."""
        self._user_input: dict[str, Any] = {}
        self._found: dict[str, DiscoveredPrinter] = {}
        self._discovered_name = ""

    @callback
    def _async_show_user_form(
        self, errors: dict[str, str] | None = None
    ) -> ConfigFlowResult:
        """Show the user form with what was typed so far, but the check code."""
        # A form goes to the browser: the check code is typed again, never sent.
        typed = {k: v for k, v in self._user_input.items() if k != CONF_CHECK_CODE}
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(USER_SCHEMA, typed),
            errors=errors,
        )

    @callback
    def _async_show_discovery_form(
        self, errors: dict[str, str] | None = None
    ) -> ConfigFlowResult:
        """Show the check code form for a discovered printer."""
        return self.async_show_form(
            step_id="discovery_confirm",
            data_schema=CHECK_CODE_SCHEMA,
            errors=errors,
            description_placeholders={
                "name": self._discovered_name,
                "host": self._user_input[CONF_HOST],
                "serial_number": self._user_input[CONF_SERIAL_NUMBER],
            },
        )

    @callback
    def _async_show_tcp_discovery_form(
        self, errors: dict[str, str] | None = None
    ) -> ConfigFlowResult:
        """Show the confirmation for a discovered printer that speaks only TCP."""
        self._set_confirm_only()
        return self.async_show_form(
            step_id="discovery_confirm_tcp",
            errors=errors,
            description_placeholders={
                "name": self._discovered_name,
                "host": self._user_input[CONF_HOST],
            },
        )

    async def _async_identify_tcp_printer(self, host: str, tcp_port: int) -> None:
        """Abort for a TCP-only printer already known or offered.

        Its discovery reply tells no serial number: a printer configured at
        this address is known without asking; any other is known by what its
        M115 tells, which also follows a configured one to its new address.
        """
        self._async_abort_entries_match({CONF_HOST: host, CONF_TCP_PORT: tcp_port})
        probe = await self._async_probe(host, None, tcp_port, {})
        if probe is not None and probe.tcp is not None and probe.tcp.unique_id:
            await self.async_set_unique_id(probe.tcp.unique_id)
            self._abort_if_unique_id_configured(
                updates={CONF_HOST: host, CONF_TCP_PORT: tcp_port}
            )
        elif any(
            # Unread (in use, say), the printer is known by its address.
            flow["context"].get("title_placeholders", {}).get("host") == host
            for flow in self._async_in_progress(include_uninitialized=True)
        ):
            raise AbortFlow("already_in_progress")

    async def _async_add_printer(
        self, show_form: Callable[[dict[str, str]], ConfigFlowResult]
    ) -> ConfigFlowResult:
        """Find out which APIs the printer in ``_user_input`` speaks and add it."""
        data = self._user_input
        errors: dict[str, str] = {}
        probe = await self._async_probe(
            data[CONF_HOST], data[CONF_PORT], data[CONF_TCP_PORT], errors
        )
        if probe is None:
            return show_form(errors)
        # A 5M before 3.1.3 answers on 8898, but without what the integration
        # needs: it works over TCP until a firmware update.
        if probe.tcp is not None and (not probe.http or probe.http_firmware_missing):
            return await self._async_add_tcp_printer(probe.tcp, show_form)
        if not probe.http:
            return show_form(
                {"base": "in_use" if probe.tcp_in_use else "cannot_connect"}
            )
        return await self._async_add_http_printer(probe, show_form)

    async def _async_add_http_printer(
        self,
        probe: PrinterProbe,
        show_form: Callable[[dict[str, str]], ConfigFlowResult],
    ) -> ConfigFlowResult:
        """Test the HTTP printer in ``_user_input`` and add it, or show the errors."""
        data = self._user_input
        if not data.get(CONF_SERIAL_NUMBER) and probe.tcp is not None:
            # The TCP API tells the serial number the HTTP API needs.
            data[CONF_SERIAL_NUMBER] = probe.tcp.serial_number or ""
        if not data.get(CONF_SERIAL_NUMBER) or not data.get(CONF_CHECK_CODE):
            return show_form({"base": "http_credentials_required"})
        errors: dict[str, str] = {}
        # The credentials are tested over HTTP alone.
        http_data = {key: data[key] for key in ENTRY_KEYS}
        if (detail := await self._async_read_detail(http_data, errors)) is None:
            return show_form(errors)
        if detail.firmware_outdated and probe.tcp is not None:
            return await self._async_add_tcp_printer(probe.tcp, show_form)
        serial_number: str = data[CONF_SERIAL_NUMBER]
        # The coordinator learns at setup whether TCP answers where it did not here.
        tcp = {CONF_TCP_PORT: data[CONF_TCP_PORT]} if probe.has_tcp else {}
        # A discovery flow for this printer gives way to the one that got here.
        await self.async_set_unique_id(serial_number, raise_on_progress=False)
        self._abort_if_unique_id_configured(
            updates={CONF_HOST: data[CONF_HOST], CONF_PORT: data[CONF_PORT], **tcp}
        )
        return self.async_create_entry(
            title=detail.name or serial_number, data=http_data | tcp
        )

    async def _async_add_tcp_printer(
        self,
        info: LegacyInfo,
        show_form: Callable[[dict[str, str]], ConfigFlowResult],
    ) -> ConfigFlowResult:
        """Add the printer in ``_user_input`` as one that speaks only TCP."""
        if not (unique_id := info.unique_id):
            return show_form({"base": "no_serial_number"})
        data = self._user_input | {CONF_SERIAL_NUMBER: unique_id}
        await self.async_set_unique_id(unique_id, raise_on_progress=False)
        self._abort_if_unique_id_configured(
            updates={CONF_HOST: data[CONF_HOST], CONF_TCP_PORT: data[CONF_TCP_PORT]}
        )
        return self.async_create_entry(
            title=info.name or unique_id,
            data={key: data[key] for key in TCP_ENTRY_KEYS},
        )

    async def _async_probe(
        self, host: str, port: int | None, tcp_port: int, errors: dict[str, str]
    ) -> PrinterProbe | None:
        """Return which APIs answer at host, or None with the reason in errors."""
        try:
            return await probe_printer(
                host,
                session=async_get_clientsession(self.hass),
                port=port,
                tcp_port=tcp_port,
            )
        except Exception:  # noqa: BLE001 - an unexpected one is logged
            LOGGER.exception("Unexpected error asking the printer at %s", host)
            errors["base"] = "unknown"
        return None

    async def _async_read_detail(
        self, data: Mapping[str, Any], errors: dict[str, str]
    ) -> PrinterDetail | None:
        """Return the printer's ``/detail``, or None with the reason in errors."""
        try:
            return await printer_for(self.hass, data).detail()
        except Exception as err:  # noqa: BLE001 - an unexpected one is logged
            if (key := form_error(err)) is None:
                LOGGER.exception(
                    "Unexpected error reading the printer at %s", data[CONF_HOST]
                )
            errors["base"] = key or "unknown"
        return None
