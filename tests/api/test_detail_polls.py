"""Tests for successive /detail polls: only what changed is read again."""

from custom_components.flashforge.api import PrinterDetail

from ..conftest import EmulatorFactory
from .conftest import ClientFactory


async def test_a_poll_reads_again_only_what_changed(
    emulator_factory: EmulatorFactory, make_client: ClientFactory
) -> None:
    """The light's change is read; the unchanged material station is the last one."""
    async with emulator_factory("ad5x") as emulator:
        client = make_client(emulator)
        first = await client.detail()
        emulator.printer.light_on = not emulator.printer.light_on

        second = await client.detail()

        assert second.light_on is not first.light_on
        assert first.material_station is not None
        assert second.material_station is first.material_station
        assert second == PrinterDetail.from_dict(emulator.detail())
