"""Fuzz target 2: the client's response handling, end to end over HTTP."""

from collections.abc import AsyncIterator
import json

from hypothesis import given, strategies as st
import pytest

from custom_components.flashforge.api import FlashForgeError, FlashForgeHttpClient
from custom_components.flashforge.api.models import PrinterDetail, ProductInfo

from .peer import RawPeer, raw_peer
from .profiles import FUZZ
from .strategies import (
    detail_objects,
    file_lists,
    product_objects,
    raw_answers,
    to_json,
)


@pytest.fixture
async def peer(socket_enabled: None) -> AsyncIterator[RawPeer]:
    """Return a raw peer on loopback."""
    async with raw_peer() as running:
        yield running


@pytest.fixture
async def client(peer: RawPeer) -> AsyncIterator[FlashForgeHttpClient]:
    """Return a client of the raw peer with a short timeout."""
    async with FlashForgeHttpClient(
        "127.0.0.1", "SNFUZZ", "fuzzcode99", port=peer.port, request_timeout=5
    ) as running:
        yield running


@FUZZ
@given(
    detail=raw_answers("detail", detail_objects()),
    product=raw_answers("product", product_objects()),
    status=st.sampled_from([200, 200, 200, 401, 500, 404]),
)
async def test_reads_raise_only_client_errors(
    peer: RawPeer,
    client: FlashForgeHttpClient,
    detail: bytes,
    product: bytes,
    status: int,
) -> None:
    """Whatever the bytes, a read returns a model or raises a FlashForgeError.

    A detail is the one the standard library's decoding gives, parsed from
    scratch, whatever the client decoded and parsed before (the client lives
    across examples).
    """
    peer.status = status
    peer.bodies = {"/detail": detail, "/product": product}

    for read, model in ((client.detail, PrinterDetail), (client.product, ProductInfo)):
        try:
            result = await read()
        except FlashForgeError as err:
            assert "fuzzcode99" not in str(err)  # noqa: PT017
        else:
            assert isinstance(result, model)
            if isinstance(result, PrinterDetail):
                fresh = PrinterDetail.from_dict(json.loads(detail)["detail"])
                assert repr(result) == repr(fresh)


@FUZZ
@given(answer=st.one_of(file_lists().map(to_json), st.binary(max_size=100)))
async def test_file_list_raises_only_client_errors(
    peer: RawPeer, client: FlashForgeHttpClient, answer: bytes
) -> None:
    """The file list is a list or a FlashForgeError."""
    peer.bodies = {"/gcodeList": answer}

    try:
        files = await client.recent_files()
    except FlashForgeError:
        return
    assert isinstance(files, list)


@FUZZ
@given(answer=raw_answers("x", st.none()))
async def test_commands_raise_only_client_errors(
    peer: RawPeer, client: FlashForgeHttpClient, answer: bytes
) -> None:
    """A command's answer, whatever it is, never leaks a foreign exception."""
    peer.bodies = {"/control": answer}

    try:
        await client.set_light(True)
    except FlashForgeError as err:
        assert "fuzzcode99" not in str(err)  # noqa: PT017
