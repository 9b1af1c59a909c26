"""Orders across the Any2Any edge: a domain draft becomes guide 2.3's body, and
the creation reply (2.4) and order detail become an `OrderView`.

Every server string that reaches a `OrderView` passes through `inert` here.
The body is built exactly as guide 2.3 says: every channel object received
in that quote request goes into ``channels[]``, the key never goes in the body,
and ``split_count``/``is_risk`` are never sent (2.5.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from a2a_tui.domain.orders import (
    DepositInfo,
    FeeSnapshot,
    OrderDraft,
    OrderView,
    RefundInfo,
    StatusSeen,
    TokenRef,
    parse_status,
)
from a2a_tui.domain.quotes import Quote
from a2a_tui.domain.text import inert
from a2a_tui.providers.any2any.models import (
    ChannelQuote,
    CreateOrderRequest,
    DepositRecord,
    OrderChannel,
    OrderCreated,
    OrderDetail,
    RefundRecord,
)

__all__ = ["FORBIDDEN_FIELDS", "journaled_view", "order_body", "to_view", "view_from_created"]

#: Fields an integrator order must never carry (guide 2.5.1).
FORBIDDEN_FIELDS = frozenset({"split_count", "is_risk"})


def _decimal(fraction_num: int, fraction_den: int) -> Decimal:
    return Decimal(fraction_num) / Decimal(fraction_den)


def order_channel(quote: Quote) -> OrderChannel:
    """The channel object as it was received, re-spelled in its wire JSON types."""
    received = ChannelQuote.model_validate(dict(quote.wire))
    return OrderChannel.model_validate(received.model_dump(mode="json"))


def order_request(draft: OrderDraft) -> CreateOrderRequest:
    chosen = draft.chosen
    channels = list(draft.channels)
    if all(q.channel_id != chosen.channel_id for q in channels):
        channels.insert(0, chosen)  # chosen_channel_id must be in channels[] (2.5)
    slippage = draft.spec.slippage
    return CreateOrderRequest(
        src_token_id=draft.spec.src.token_id,
        dst_token_id=draft.spec.dst.token_id,
        amount_in=draft.spec.amount_in,
        dst_address=draft.dst_address,
        chosen_channel_id=chosen.channel_id,
        slippage=_decimal(slippage.numerator, slippage.denominator),
        main_channel_estimated_out_amount=chosen.out_amount,
        min_acceptable_out_amount=draft.min_out,
        channels=[order_channel(q) for q in channels],
        client_order_id=draft.client_order_id or None,
        user_id=draft.user_id,
        promo_code=draft.promo_code,
    )


def order_body(draft: OrderDraft) -> dict[str, Any]:
    """Guide 2.3's JSON body, ready to journal and to send unchanged."""
    body = order_request(draft).body()
    assert not FORBIDDEN_FIELDS & body.keys()
    return body


def _fees(wire: OrderCreated | OrderDetail) -> FeeSnapshot:
    return FeeSnapshot(
        fee_platform=wire.fee_platform,
        fee_partner=wire.fee_partner,
        fee_integrator=wire.fee_integrator,
        fee_platform_original=wire.fee_platform_original,
        platform_fee_rate=wire.platform_fee_rate,
        partner_fee_rate=wire.partner_fee_rate,
        integrator_fee_rate=wire.integrator_fee_rate,
    )


def view_from_created(
    created: OrderCreated,
    *,
    src: TokenRef | None,
    dst: TokenRef | None,
    amount_in: int | None,
    key_sent: bool | None,
) -> OrderView:
    """The creation reply alone: binding unknown until the detail is read."""
    return OrderView(
        order_no=inert(created.order_no, limit=64),
        order_id=created.order_id,
        deposit_address=inert(created.deposit_address, limit=128),
        expire_at=created.expire_at,
        src=src,
        dst=dst,
        amount_in=amount_in,
        fees=_fees(created),
        key_sent=key_sent,
    )


def to_view(
    detail: OrderDetail,
    *,
    tokens: Mapping[int, TokenRef],
    created: OrderCreated | None = None,
    key_sent: bool | None = True,
) -> OrderView:
    """The order detail, with any fee the detail lacks taken from the creation reply."""
    fees = _fees(detail)
    if created is not None:
        fees = fees.merged(_fees(created))
    return OrderView(
        order_no=inert(detail.order_no, limit=64),
        order_id=detail.order_id,
        deposit_address=inert(detail.deposit_address, limit=128),
        expire_at=detail.expire_at,
        src=tokens.get(detail.src_token_id),
        dst=tokens.get(detail.dst_token_id),
        amount_in=detail.amount_in,
        fees=fees,
        status=parse_status(inert(detail.status, limit=48)),
        integrator_id=detail.integrator_id,
        verified=True,
        client_order_id=None
        if detail.client_order_id is None
        else inert(detail.client_order_id, limit=64),
        dst_address=inert(detail.dst_address, limit=128),
        chosen_channel_id=detail.chosen_channel_id,
        estimated_out=detail.main_channel_estimated_out_amount,
        min_out=detail.min_acceptable_out_amount,
        created_at=detail.created_at,
        history=tuple(_history(detail.status_history)),
        key_sent=key_sent,
        settled=detail.settled,
        auto_cancel_at=detail.auto_cancel_at,
        slippage=detail.slippage,
        promo_code=None if detail.promo_code is None else inert(detail.promo_code, limit=64),
        deposit=None if detail.deposit is None else _deposit(detail.deposit),
        out_amount=detail.out_amount,
        out_tx_hash=None if detail.out_tx_hash is None else inert(detail.out_tx_hash, limit=128),
        refund=None if detail.refund is None else _refund(detail.refund),
    )


def _deposit(wire: DepositRecord) -> DepositInfo:
    return DepositInfo(
        amount=wire.amount,
        received_at=wire.received_at,
        tx_hash=None if wire.tx_hash is None else inert(wire.tx_hash, limit=128),
        late=wire.late,
    )


def _refund(wire: RefundRecord) -> RefundInfo:
    return RefundInfo(
        refund_address=inert(wire.refund_address, limit=128),
        handling=inert(wire.handling, limit=32),
        status=inert(wire.status, limit=32),
        requested_at=wire.requested_at,
        refund_amount=wire.refund_amount,
        gas_fee=wire.gas_fee,
        completed_at=wire.completed_at,
        tx_hash=None if wire.tx_hash is None else inert(wire.tx_hash, limit=128),
    )


def _history(changes: Iterable[Any]) -> Iterable[StatusSeen]:
    for change in changes:
        note = None if change.note is None else inert(change.note)
        yield StatusSeen(parse_status(inert(change.status, limit=48)), change.at, note)


def journaled_view(
    response: Mapping[str, Any],
    *,
    tokens: tuple[TokenRef | None, TokenRef | None],
    key_sent: bool | None,
) -> OrderView | None:
    """Read back what the journal kept: a detail when one was read, else the reply."""
    src, dst = tokens
    by_id = {t.token_id: t for t in tokens if t is not None}
    try:
        if "status" in response:
            detail = OrderDetail.model_validate(response)
            created = OrderCreated.model_validate(response)
            return to_view(detail, tokens=by_id, created=created, key_sent=key_sent)
        created = OrderCreated.model_validate(response)
    except ValidationError:
        return None
    amount = response.get("amount_in")
    return view_from_created(
        created,
        src=src,
        dst=dst,
        amount_in=int(amount) if isinstance(amount, str) and amount.isdigit() else None,
        key_sent=key_sent,
    )
