"""Decoding of quote and order requests, with the guide's error messages.

The real backend is a Go service: a JSON value of the wrong type fails
``json.Unmarshal`` and answers ``invalid request body``, and a zero value
counts as missing. The simulator decodes the same way so that a client which
only works against a lenient server is caught here first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from a2a_tui.sim.errors import bad_request

__all__ = [
    "ChannelEntry",
    "OrderBody",
    "QuoteParams",
    "parse_order_body",
    "parse_quote_body",
    "parse_quote_query",
    "parse_refund_body",
]

INVALID_BODY = "invalid request body"
TOKENS_REQUIRED = "src_token_id/dst_token_id required"


@dataclass(frozen=True, slots=True)
class QuoteParams:
    src_token_id: int
    dst_token_id: int
    amount_in: int
    slippage: Decimal
    promo_code: str | None
    channel_id: int | None


@dataclass(frozen=True, slots=True)
class ChannelEntry:
    channel_id: int
    estimated_out: int


@dataclass(frozen=True, slots=True)
class OrderBody:
    src_token_id: int
    dst_token_id: int
    amount_in: int
    dst_address: str
    chosen_channel_id: int
    slippage: Decimal
    main_channel_estimated_out_amount: int
    min_acceptable_out_amount: int
    channels: tuple[ChannelEntry, ...]
    client_order_id: str | None
    promo_code: str | None
    split_count: int | None
    is_risk: bool
    extras: Mapping[str, Any]  # the optional audit fields, stored as sent

    def fingerprint(self) -> tuple[object, ...]:
        """What makes a retry "the same request" for client_order_id idempotency."""
        return (
            self.src_token_id,
            self.dst_token_id,
            self.amount_in,
            self.dst_address,
            self.chosen_channel_id,
        )


def _load_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise bad_request(INVALID_BODY) from None
    if not isinstance(body, dict):
        raise bad_request(INVALID_BODY)
    return body


def _typed(body: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    """A field of the right JSON type or None; a wrong type is an unmarshal error."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) and kind is not bool:
        raise bad_request(INVALID_BODY)
    if not isinstance(value, kind):
        raise bad_request(INVALID_BODY)
    return value


def _amount(text: str | None, name: str) -> int:
    if not text:
        raise bad_request(f"{name} required")
    if not text.isascii() or not text.isdigit():
        raise bad_request(f"invalid {name}")
    value = int(text)
    if value <= 0:
        raise bad_request(f"{name} required")
    return value


def _slippage(value: Decimal | None) -> Decimal:
    if value is None:
        raise bad_request("slippage required")
    if not value.is_finite() or not 0 < value < 1:
        raise bad_request("slippage out of range")
    return value


def _decimal_param(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise bad_request("invalid slippage") from None


def _int_param(text: str | None, msg: str) -> int | None:
    if text is None or text == "":
        return None
    if not (text.isascii() and text.lstrip("-").isdigit()):
        raise bad_request(msg)
    return int(text)


def parse_quote_query(query: Mapping[str, str]) -> QuoteParams:
    src = _int_param(query.get("src_token_id"), TOKENS_REQUIRED)
    dst = _int_param(query.get("dst_token_id"), TOKENS_REQUIRED)
    if not src or not dst:
        raise bad_request(TOKENS_REQUIRED)
    slippage_text = query.get("slippage")
    slippage = _decimal_param(slippage_text) if slippage_text else None
    return QuoteParams(
        src_token_id=src,
        dst_token_id=dst,
        amount_in=_amount(query.get("amount_in"), "amount_in"),
        slippage=_slippage(slippage),
        promo_code=query.get("promo_code") or None,
        channel_id=_int_param(query.get("channel_id"), "invalid channel_id") or None,
    )


def parse_quote_body(raw: bytes) -> QuoteParams:
    body = _load_object(raw)
    src, dst = _typed(body, "src_token_id", int), _typed(body, "dst_token_id", int)
    if not src or not dst:
        raise bad_request(TOKENS_REQUIRED)
    return QuoteParams(
        src_token_id=src,
        dst_token_id=dst,
        amount_in=_amount(_typed(body, "amount_in", str), "amount_in"),
        slippage=_slippage(_number(body, "slippage")),
        promo_code=_typed(body, "promo_code", str) or None,
        channel_id=_typed(body, "channel_id", int) or None,
    )


def _number(body: Mapping[str, Any], name: str) -> Decimal | None:
    value = _typed(body, name, (int, Decimal))
    return None if value is None else Decimal(value)


def _channels(body: Mapping[str, Any]) -> tuple[ChannelEntry, ...]:
    items = _typed(body, "channels", list)
    if not items:
        raise bad_request("channels required")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            raise bad_request(INVALID_BODY)
        for optional in ("name", "symbol", "channel_icon", "estimated_out_usd"):
            _typed(item, optional, str)
        _number(item, "channel_fee")
        channel_id = _typed(item, "channel_id", int)
        estimated = _typed(item, "estimated_out_str", str)
        if not channel_id or not estimated:
            raise bad_request("channels[].channel_id and estimated_out_str required")
        entries.append(ChannelEntry(channel_id, _amount(estimated, "estimated_out_str")))
    return tuple(entries)


_EXTRAS = {
    "client_id": str,
    "partner_app_id": int,
    "user_id": str,
    "invite_code": str,
    "is_use_wallet": bool,
    "min_quote_amount": str,
}


def parse_order_body(raw: bytes) -> OrderBody:
    body = _load_object(raw)
    src, dst = _typed(body, "src_token_id", int), _typed(body, "dst_token_id", int)
    extras = {name: _typed(body, name, kind) for name, kind in _EXTRAS.items()}
    fee_rate = _number(body, "fee_rate")
    if fee_rate is not None:
        extras["fee_rate"] = str(fee_rate)
    if not src or not dst:
        raise bad_request(TOKENS_REQUIRED)
    amount_in = _amount(_typed(body, "amount_in", str), "amount_in")
    dst_address = _typed(body, "dst_address", str)
    if not dst_address:
        raise bad_request("dst_address required")
    chosen = _typed(body, "chosen_channel_id", int)
    if not chosen:
        raise bad_request("chosen_channel_id required")
    slippage = _slippage(_number(body, "slippage"))
    main_out = _amount(
        _typed(body, "main_channel_estimated_out_amount", str),
        "main_channel_estimated_out_amount",
    )
    min_out = _amount(_typed(body, "min_acceptable_out_amount", str), "min_acceptable_out_amount")
    return OrderBody(
        src_token_id=src,
        dst_token_id=dst,
        amount_in=amount_in,
        dst_address=dst_address,
        chosen_channel_id=chosen,
        slippage=slippage,
        main_channel_estimated_out_amount=main_out,
        min_acceptable_out_amount=min_out,
        channels=_channels(body),
        client_order_id=_typed(body, "client_order_id", str) or None,
        promo_code=_typed(body, "promo_code", str) or None,
        split_count=_typed(body, "split_count", int),
        is_risk=bool(_typed(body, "is_risk", bool)),
        extras={k: v for k, v in extras.items() if v is not None},
    )


def parse_refund_body(raw: bytes) -> str:
    body = _load_object(raw) if raw.strip() else {}
    address = _typed(body, "refund_address", str)
    if not address:
        raise bad_request("refund_address required")
    return str(address)
