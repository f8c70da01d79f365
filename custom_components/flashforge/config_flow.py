"""Config flow for FlashForge printers: its steps (printer_flow.py does the work)."""

from collections.abc import Mapping
from typing import Any, override

from homeassistant.config_entries import ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_NAME, CONF_PORT
from homeassistant.helpers.typing import DiscoveryInfoType

from .api import DEFAULT_TCP_PORT
from .const import CONF_CHECK_CODE, CONF_SERIAL_NUMBER, CONF_TCP_PORT, DOMAIN
from .discovery import (
    CONF_PRINTER,
    async_discover_new,
    async_serials_at,
    pick_printer_schema,
)
from .printer_flow import (
    CHECK_CODE_SCHEMA,
    RECONFIGURE_SCHEMA,
    TCP_RECONFIGURE_SCHEMA,
    PrinterFlow,
    typed_text,
)


class FlashForgeConfigFlow(PrinterFlow, domain=DOMAIN):
    """Add a FlashForge printer, or change how Home Assistant reaches one."""

    VERSION = 1
    # 1.2 dropped the polling interval options.
    MINOR_VERSION = 2

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take a printer's address, or search the network when there is none."""
        if user_input is None:
            return self._async_show_user_form()

        self._user_input = {
            CONF_HOST: typed_text(user_input, CONF_HOST),
            CONF_PORT: int(user_input[CONF_PORT]),
            CONF_TCP_PORT: int(user_input[CONF_TCP_PORT]),
            CONF_SERIAL_NUMBER: typed_text(user_input, CONF_SERIAL_NUMBER),
            CONF_CHECK_CODE: typed_text(user_input, CONF_CHECK_CODE),
        }
        if not self._user_input[CONF_HOST]:
            if self._user_input[CONF_SERIAL_NUMBER]:
                return self._async_show_user_form({"base": "incomplete_address"})
            return await self._async_search()
        return await self._async_add_printer(self._async_show_user_form)

    async def async_step_pick_printer(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Let the user choose among the printers that answered."""
        if user_input is None:
            return self.async_show_form(
                step_id="pick_printer",
                data_schema=pick_printer_schema(self._found),
            )

        # The selector only accepts the printers offered above.
        printer = self._found[user_input[CONF_PRINTER]]
        # Errors go back to the user form, filled in with this printer's address
        # so that fixing the check code is all it takes.
        self._user_input |= {
            CONF_HOST: printer.host,
            # None for a legacy printer: it has no HTTP API to ask.
            CONF_PORT: printer.port,
            CONF_TCP_PORT: printer.tcp_port or DEFAULT_TCP_PORT,
            CONF_SERIAL_NUMBER: printer.serial_number or "",
        }
        return await self._async_add_printer(self._async_show_user_form)

    @override
    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """Offer a printer that answered discovery, or note a known one's new address."""
        host: str = discovery_info[CONF_HOST]
        port: int | None = discovery_info[CONF_PORT]
        tcp_port: int = discovery_info.get(CONF_TCP_PORT) or DEFAULT_TCP_PORT
        serial_number: str | None = discovery_info[CONF_SERIAL_NUMBER]
        # A legacy reply: a printer with only the TCP API.
        tcp_only = port is None or serial_number is None
        if tcp_only:
            await self._async_identify_tcp_printer(host, tcp_port)
        else:
            await self.async_set_unique_id(serial_number)
            # A configured printer that moved is reloaded at its new address.
            self._abort_if_unique_id_configured(
                updates={CONF_HOST: host, CONF_PORT: port}
            )
            # A 5M before 3.1.3 sends the modern reply without the HTTP API
            # to go with it: its M115 tells, and it is added over TCP.
            probe = await self._async_probe(host, None, tcp_port, {})
            tcp_only = probe is not None and probe.http_firmware_missing
        self._discovered_name = discovery_info[CONF_NAME]
        self._user_input = {
            CONF_HOST: host,
            CONF_PORT: port,
            CONF_TCP_PORT: tcp_port,
            CONF_SERIAL_NUMBER: serial_number or "",
        }
        self.context["title_placeholders"] = {
            "name": self._discovered_name,
            "host": host,
        }
        if tcp_only:
            return await self.async_step_discovery_confirm_tcp()
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the discovered printer's check code."""
        if user_input is None:
            return self._async_show_discovery_form()
        self._user_input[CONF_CHECK_CODE] = typed_text(user_input, CONF_CHECK_CODE)
        return await self._async_add_printer(self._async_show_discovery_form)

    async def async_step_discovery_confirm_tcp(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask whether to add a discovered printer that speaks only TCP."""
        if user_input is None:
            return self._async_show_tcp_discovery_form()
        return await self._async_add_printer(self._async_show_tcp_discovery_form)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for a new check code once the printer rejected the stored one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Test the new check code and store it."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            check_code = typed_text(user_input, CONF_CHECK_CODE)
            detail = await self._async_read_detail(
                {**entry.data, CONF_CHECK_CODE: check_code}, errors
            )
            if detail is not None:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_CHECK_CODE: check_code}
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=CHECK_CODE_SCHEMA,
            errors=errors,
            description_placeholders={"name": entry.title},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address, port or check code of a configured printer."""
        entry = self._get_reconfigure_entry()
        if CONF_CHECK_CODE not in entry.data:
            return await self.async_step_reconfigure_tcp(user_input)
        errors: dict[str, str] = {}
        if user_input is not None:
            serial_number: str = entry.data[CONF_SERIAL_NUMBER]
            changes: dict[str, Any] = {
                CONF_HOST: typed_text(user_input, CONF_HOST),
                CONF_PORT: int(user_input[CONF_PORT]),
                CONF_CHECK_CODE: typed_text(user_input, CONF_CHECK_CODE)
                or entry.data[CONF_CHECK_CODE],
            }
            detail = await self._async_read_detail(
                {**changes, CONF_SERIAL_NUMBER: serial_number}, errors
            )
            if detail is not None:
                return self.async_update_reload_and_abort(entry, data_updates=changes)
            # /detail does not tell the serial number, so a rejection cannot tell
            # a wrong check code from another printer; discovery replies can.
            if (
                errors["base"] == "invalid_auth"
                and (at_host := await async_serials_at(self.hass, changes[CONF_HOST]))
                and serial_number not in at_host
            ):
                return self.async_abort(
                    reason="wrong_device",
                    description_placeholders={CONF_SERIAL_NUMBER: min(at_host)},
                )
            user_input = changes
        shown = user_input or entry.data
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                RECONFIGURE_SCHEMA,
                {CONF_HOST: shown[CONF_HOST], CONF_PORT: shown[CONF_PORT]},
            ),
            errors=errors,
        )

    async def async_step_reconfigure_tcp(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the address or TCP port of a printer that speaks only TCP."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            changes: dict[str, Any] = {
                CONF_HOST: typed_text(user_input, CONF_HOST),
                CONF_TCP_PORT: int(user_input[CONF_TCP_PORT]),
            }
            probe = await self._async_probe(
                changes[CONF_HOST], None, changes[CONF_TCP_PORT], errors
            )
            if probe is not None and (info := probe.tcp) is not None:
                if info.unique_id != entry.unique_id:
                    return self.async_abort(
                        reason="wrong_device",
                        description_placeholders={
                            CONF_SERIAL_NUMBER: info.unique_id or ""
                        },
                    )
                return self.async_update_reload_and_abort(entry, data_updates=changes)
            if probe is not None:
                errors["base"] = "in_use" if probe.tcp_in_use else "cannot_connect"
            user_input = changes
        shown = user_input or entry.data
        return self.async_show_form(
            step_id="reconfigure_tcp",
            data_schema=self.add_suggested_values_to_schema(
                TCP_RECONFIGURE_SCHEMA,
                {CONF_HOST: shown[CONF_HOST], CONF_TCP_PORT: shown[CONF_TCP_PORT]},
            ),
            errors=errors,
        )

    async def _async_search(self) -> ConfigFlowResult:
        """Look for printers that are not configured yet."""
        self._found = await async_discover_new(
            self.hass, self._async_current_entries(include_ignore=False)
        )
        if not self._found:
            return self._async_show_user_form({"base": "no_printers_found"})
        return await self.async_step_pick_printer()
