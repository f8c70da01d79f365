"""Config flow for FlashForge printers."""

from collections.abc import Callable, Mapping
from typing import Any, Final, override

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST, CONF_NAME, CONF_PORT
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.typing import DiscoveryInfoType
import probatio

from .api import DEFAULT_PORT, PrinterDetail
from .api.discovery import DiscoveredPrinter
from .const import CONF_CHECK_CODE, CONF_SERIAL_NUMBER, DOMAIN, LOGGER
from .coordinator import printer_for
from .discovery import async_discover_new, async_serials_at, pick_printer_schema
from .errors import form_error

TEXT_SELECTOR = TextSelector()
PASSWORD_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
PORT_SELECTOR = NumberSelector(
    NumberSelectorConfig(min=1, max=65535, step=1, mode=NumberSelectorMode.BOX)
)

USER_SCHEMA = probatio.Schema(
    {
        probatio.Optional(CONF_HOST): TEXT_SELECTOR,
        probatio.Required(CONF_PORT, default=DEFAULT_PORT): PORT_SELECTOR,
        probatio.Optional(CONF_SERIAL_NUMBER): TEXT_SELECTOR,
        probatio.Required(CONF_CHECK_CODE): PASSWORD_SELECTOR,
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

# What an entry's data holds.
ENTRY_KEYS: Final = (CONF_HOST, CONF_PORT, CONF_SERIAL_NUMBER, CONF_CHECK_CODE)


def _text(user_input: Mapping[str, Any], key: str) -> str:
    """Return a text field without the whitespace pasting tends to add."""
    return str(user_input.get(key) or "").strip()


class FlashForgeConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a FlashForge printer, or change how Home Assistant reaches one."""

    VERSION = 1
    # 1.2 dropped the polling interval options.
    MINOR_VERSION = 2

    def __init__(self) -> None:
        """Start with nothing typed or found."""
        self._user_input: dict[str, Any] = {}
        self._found: dict[str, DiscoveredPrinter] = {}
        self._discovered_name = ""

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Take a printer's address, or search the network when there is none."""
        if user_input is None:
            return self._async_show_user_form()

        self._user_input = {
            CONF_HOST: _text(user_input, CONF_HOST),
            CONF_PORT: int(user_input[CONF_PORT]),
            CONF_SERIAL_NUMBER: _text(user_input, CONF_SERIAL_NUMBER),
            CONF_CHECK_CODE: _text(user_input, CONF_CHECK_CODE),
        }
        host = self._user_input[CONF_HOST]
        serial_number = self._user_input[CONF_SERIAL_NUMBER]
        if not host and not serial_number:
            return await self._async_search()
        if not host or not serial_number:
            return self._async_show_user_form({"base": "incomplete_address"})
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

        # The selector only accepts the serial numbers offered above.
        printer = self._found[user_input[CONF_SERIAL_NUMBER]]
        # Errors go back to the user form, filled in with this printer's address
        # so that fixing the check code is all it takes.
        self._user_input |= {
            CONF_HOST: printer.host,
            CONF_PORT: printer.port,
            CONF_SERIAL_NUMBER: printer.serial_number,
        }
        return await self._async_add_printer(self._async_show_user_form)

    @override
    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """Offer a printer that answered discovery, or note a known one's new address."""
        host: str = discovery_info[CONF_HOST]
        port: int = discovery_info[CONF_PORT]
        await self.async_set_unique_id(discovery_info[CONF_SERIAL_NUMBER])
        # A configured printer that moved is reloaded at its new address.
        self._abort_if_unique_id_configured(updates={CONF_HOST: host, CONF_PORT: port})
        self._discovered_name = discovery_info[CONF_NAME]
        self._user_input = {
            CONF_HOST: host,
            CONF_PORT: port,
            CONF_SERIAL_NUMBER: discovery_info[CONF_SERIAL_NUMBER],
        }
        self.context["title_placeholders"] = {
            "name": self._discovered_name,
            "host": host,
        }
        return await self.async_step_discovery_confirm()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the discovered printer's check code."""
        if user_input is None:
            return self._async_show_discovery_form()
        self._user_input[CONF_CHECK_CODE] = _text(user_input, CONF_CHECK_CODE)
        return await self._async_add_printer(self._async_show_discovery_form)

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
            check_code = _text(user_input, CONF_CHECK_CODE)
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
        errors: dict[str, str] = {}
        if user_input is not None:
            serial_number: str = entry.data[CONF_SERIAL_NUMBER]
            changes: dict[str, Any] = {
                CONF_HOST: _text(user_input, CONF_HOST),
                CONF_PORT: int(user_input[CONF_PORT]),
                CONF_CHECK_CODE: _text(user_input, CONF_CHECK_CODE)
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

    async def _async_search(self) -> ConfigFlowResult:
        """Look for printers that are not configured yet."""
        self._found = await async_discover_new(
            self.hass, self._async_current_ids(include_ignore=False)
        )
        if not self._found:
            return self._async_show_user_form({"base": "no_printers_found"})
        return await self.async_step_pick_printer()

    async def _async_add_printer(
        self, show_form: Callable[[dict[str, str]], ConfigFlowResult]
    ) -> ConfigFlowResult:
        """Test the printer in ``_user_input`` and add it, or show the errors."""
        data = self._user_input
        errors: dict[str, str] = {}
        if (detail := await self._async_read_detail(data, errors)) is None:
            return show_form(errors)
        serial_number: str = data[CONF_SERIAL_NUMBER]
        # A discovery flow for this printer gives way to the one that got here.
        await self.async_set_unique_id(serial_number, raise_on_progress=False)
        self._abort_if_unique_id_configured(
            updates={CONF_HOST: data[CONF_HOST], CONF_PORT: data[CONF_PORT]}
        )
        return self.async_create_entry(
            title=detail.name or serial_number,
            data={key: data[key] for key in ENTRY_KEYS},
        )

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
