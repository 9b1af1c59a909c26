"""The journaled order path against a real simulator: refusals become guidance,
the commission check, fresh quotes, pending entries and keys."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from conftest import MakeSim
from helpers import ETH_ADDRESS, TRON_ADDRESS, sim_post
from order_helpers import journal_entries, quoted_draft, server_orders, service_for

from a2a_tui.domain.orders import JournalState, OrderRecord, Refusal
from a2a_tui.infra.journal import Journal
from a2a_tui.services.orders import (
    AlreadyJournaled,
    OrderRefused,
    guidance_for,
)

ETH_TOKEN_ID, USDT_TRON_ID = 3, 9


async def test_a_bound_order_is_verified_from_its_detail(make_sim: MakeSim) -> None:
    service = service_for(make_sim().base_url)
    try:
        placed = await service.place(await quoted_draft(service))
    finally:
        await service.backend.close()
    view = placed.view
    assert (view.integrator_bound, view.integrator_id, placed.found_again) == (True, 1001, False)
    assert view.no_commission_reasons() == ()
    assert view.fees.integrator_fee_rate == Decimal("0.3000")
    assert view.fees.fee_integrator == 15 * 10**17 * 3 // 1000
    assert view.src is not None
    assert view.src.symbol == "ETH"
    assert service.integrator_fee_rate() == Decimal("0.3000")  # shown on the next order step
    (entry,) = service.records()
    assert entry.last_status == "Depositing"
    assert entry.key_entry == "$A2A_TUI_ANY2ANY_API_KEY"


@pytest.mark.parametrize(
    ("key", "reasons"),
    [
        (None, ("no integrator API key was sent with it (none was set for this host)",)),
        ("a2a_demo_disabled_fedcba98765432", ("the key is unknown to this host, or disabled",
                                              "the integrator is disabled")),
        ("not-a-key-this-host-knows-0000000", ("the key is unknown to this host, or disabled",
                                               "the integrator is disabled")),
        ("a2a_demo_suspended_0000000000001", ("the key is unknown to this host, or disabled",
                                              "the integrator is disabled")),
    ],
)  # fmt: skip
async def test_a_missing_or_refused_key_is_a_plain_order_and_says_why(
    make_sim: MakeSim, key: str | None, reasons: tuple[str, ...]
) -> None:
    service = service_for(make_sim().base_url, key=key)
    try:
        placed = await service.place(await quoted_draft(service))
    finally:
        await service.backend.close()
    assert placed.view.integrator_bound is False
    assert placed.view.no_commission_reasons() == reasons


async def refused(service: object, draft: object) -> OrderRefused:
    with pytest.raises(OrderRefused) as caught:
        await service.place(draft)  # type: ignore[attr-defined]
    return caught.value


async def test_a_moved_market_is_a_mismatch_offered_as_a_requote(make_sim: MakeSim) -> None:
    sim = make_sim()
    service = service_for(sim.base_url)
    try:
        draft = await quoted_draft(service)
        async with httpx.AsyncClient(base_url=sim.base_url) as raw:
            await sim_post(raw, "/sim/market/move", {"token_id": USDT_TRON_ID, "bps": 300})
        error = await refused(service, draft)
        assert error.refusal is Refusal.QUOTE_MISMATCH
        assert error.guidance.action == "requote"
        assert error.record.state is JournalState.REFUSED
        requote = await service.requote(draft)
        assert requote.new is not None
        assert requote.draft is not None
        assert requote.fell  # the destination token got dearer: fewer units out
        assert requote.draft.channels == (requote.new,)  # that request's only channel
        placed = await service.place(requote.draft)  # the same client_order_id, free again
    finally:
        await service.backend.close()
    assert placed.view.client_order_id == draft.client_order_id
    assert len(server_orders(sim.base_url, draft.client_order_id)) == 1
    states = [e.state for e in journal_entries(service.journal, draft.client_order_id)]
    assert states == [JournalState.CREATED, JournalState.REFUSED]


async def test_an_address_the_host_rejects_points_at_the_field(make_sim: MakeSim) -> None:
    service = service_for(make_sim().base_url)
    try:
        draft = await quoted_draft(service)
        error = await refused(service, replace(draft, dst_address=ETH_ADDRESS))  # not Tron
    finally:
        await service.backend.close()
    assert error.refusal is Refusal.DST_ADDRESS_INVALID
    assert error.guidance.field == "address"
    assert "Base58Check starting with T" in error.guidance.message


async def test_an_amount_below_the_minimum_names_the_minimum(make_sim: MakeSim) -> None:
    service = service_for(make_sim().base_url)
    try:
        draft = await quoted_draft(service)
        tiny = replace(draft, spec=replace(draft.spec, amount_in=10**12))  # 0.000001 ETH
        error = await refused(service, tiny)
    finally:
        await service.backend.close()
    assert error.refusal is Refusal.AMOUNT_BELOW_MINIMUM
    assert "minimum order of 1 USD (about 0.000" in error.guidance.message
    assert "ETH at the listed price" in error.guidance.message


async def test_a_client_order_id_used_elsewhere_is_a_duplicate(make_sim: MakeSim) -> None:
    sim = make_sim()
    first = service_for(sim.base_url)
    second = service_for(sim.base_url)  # another journal: another machine, say
    try:
        await first.place(await quoted_draft(first, client_order_id="shared"))
        other = await quoted_draft(second, client_order_id="shared",
                                   address="TBhCfAytTEh52WFL6HYr64i2nmc3u3TCUp")  # fmt: skip
        error = await refused(second, other)
    finally:
        await first.backend.close()
        await second.backend.close()
    assert error.refusal is Refusal.DUPLICATE_CLIENT_ORDER_ID
    assert error.guidance.field == "client_order_id"


async def test_a_client_order_id_already_in_the_journal_shows_that_order(
    make_sim: MakeSim,
) -> None:
    service = service_for(make_sim().base_url)
    try:
        placed = await service.place(await quoted_draft(service, client_order_id="mine"))
        again = await quoted_draft(service, client_order_id="mine",
                                   address="TBhCfAytTEh52WFL6HYr64i2nmc3u3TCUp")  # fmt: skip
        with pytest.raises(AlreadyJournaled) as caught:
            await service.place(again)
    finally:
        await service.backend.close()
    guidance = caught.value.guidance
    assert (guidance.action, guidance.field) == ("show_existing", "client_order_id")
    assert guidance.existing is not None
    view = service.view_of(guidance.existing)  # the deposit screen, from the journal alone
    assert view is not None
    assert view.order_no == placed.view.order_no
    assert view.integrator_bound is True


async def test_a_pending_entry_is_never_resent_with_another_key(make_sim: MakeSim) -> None:
    sim = make_sim()
    journal = Journal.in_memory()
    service = service_for(sim.base_url, journal=journal)
    try:
        draft = await quoted_draft(service, client_order_id="keyed")
        body = service.backend.host.order_body(draft)  # type: ignore[union-attr]
        entry = journal.journal_pending(
            host=service.host_url, client_order_id="keyed", body=body, quote={},
            key_entry="any2any.api_key@old", key_fingerprint="0123456789abcdef",
        )  # fmt: skip
        journal.release(entry.id)
        (resolution,) = await service.resolve_pending()
    finally:
        await service.backend.close()
    assert resolution.outcome == "skipped"
    assert "any2any.api_key@old" in resolution.message
    assert server_orders(sim.base_url, "keyed") == []
    assert journal.get(entry.id).state is JournalState.PENDING


def test_every_refusal_of_guide_2_5_has_guidance() -> None:
    now = datetime.now(UTC)
    existing = OrderRecord(1, "x", "h", JournalState.CREATED, now, now, None, None, {}, {},
                           order_no="OD1")  # fmt: skip
    for refusal in [*Refusal, None]:
        guidance = guidance_for(refusal, refusal or "teapot")
        assert guidance.message.endswith(".")
        assert "[" not in guidance.message  # never markup
    assert guidance_for(Refusal.DUPLICATE_CLIENT_ORDER_ID, "", existing=existing).action == (
        "show_existing"
    )
    assert guidance_for(None, "\x1b]52;c;SGk=\x07evil").message == (
        "The host refused the order: evil. Nothing was created."
    )
    # a server's reason that ends a sentence itself is not given a second stop ("?.")
    for said in ("is the amount right?", "amount too small."):
        assert guidance_for(None, said).message == (
            f"The host refused the order: {said} Nothing was created."
        )


async def test_a_stale_draft_is_known_stale(make_sim: MakeSim) -> None:
    service = service_for(make_sim().base_url)
    try:
        draft = await quoted_draft(service)
    finally:
        await service.backend.close()
    assert not service.is_stale(draft)
    assert service.is_stale(replace(draft, quoted_at=draft.quoted_at - 10.5))


def test_addresses_and_ids_are_checked_before_anything_is_sent() -> None:
    from a2a_tui.domain.order_input import OrderInputError, check_address, check_client_order_id

    assert check_address("tron", f"  {TRON_ADDRESS} ", "Tron") == TRON_ADDRESS
    with pytest.raises(OrderInputError, match=r"expected a Tron address: T… \(Base58Check"):
        check_address("tron", ETH_ADDRESS, "Tron")
    with pytest.raises(OrderInputError, match="enter the Tron address"):
        check_address("tron", " ", "Tron")
    with pytest.raises(OrderInputError, match="letters, digits"):
        check_client_order_id("has space")


@pytest.mark.parametrize(
    ("key_sent", "said", "next_step"),
    [
        (False, "No integrator API key was sent with it (none was set for this host), so the "
         "host made a plain order", "Next: set this host's key"),
        (True, "The host does not say why: the key is unknown to this host, or disabled; or the "
         "integrator is disabled", "Next: `a2a-tui keys test any2any` (or F2, Test, in the app)"),
        (None, "The host does not say why (it was not created here): no key was sent with it; "
         "or the key is unknown", "Next: `a2a-tui keys test any2any`"),
    ],
)  # fmt: skip
def test_no_commission_says_what_is_known_and_the_next_step(
    key_sent: bool | None, said: str, next_step: str
) -> None:
    """The detail only says the order is unbound: a reason is stated as fact only when
    this journal knows it (no key was sent), and the next step is named."""
    from datetime import UTC, datetime

    from a2a_tui.domain.orders import OrderView

    view = OrderView("OD1", 1, "0xabc", datetime.now(UTC), None, None, 1, verified=True,
                     key_sent=key_sent)  # fmt: skip
    summary = view.no_commission_summary()
    assert summary.startswith("this order earns no commission: the host's order detail has no "
                              "integrator_id. ")  # fmt: skip
    assert said in summary, summary
    assert next_step in summary, summary
    assert "Likely" not in summary
