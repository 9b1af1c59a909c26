"""Pydantic models of the Any2Any wire format, field for field.

Names and JSON types follow the integrator guide exactly; where the guide
puts an integer in a string (``amount_in``, ``estimated_out_str``) the model
holds a Python ``int`` and writes the string back, so arithmetic downstream is
exact and the wire stays byte-compatible. Percentages are ``Decimal`` read
straight from the JSON text, never through a float.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
)

__all__ = [
    "WIRE",
    "ChainInfo",
    "ChannelError",
    "ChannelInfo",
    "ChannelQuote",
    "CreateOrderRequest",
    "Done",
    "Envelope",
    "OrderChannel",
    "OrderCreated",
    "OrderDetail",
    "QuoteRequest",
    "RefundRecord",
    "RefundRequest",
    "StatusChange",
    "TokenInfo",
    "Units",
]

T = TypeVar("T")


#: ``validate_python(data, context=WIRE)`` holds decoded JSON to the wire's types.
WIRE = {"wire": True}


def _units(value: Any, info: ValidationInfo) -> int:
    """On the wire, amounts are strings of ASCII digits and nothing else; code
    building a request may pass a non-negative ``int``."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    from_wire = info.mode == "json" or bool(info.context and info.context.get("wire"))
    if not from_wire and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError("expected an integer string in smallest units")


def _number(value: Decimal) -> float | int:
    """JSON numbers on the way out: integral values as ints, others as the
    shortest float that reads back as the same decimal (``0.01``, ``0.3``)."""
    return int(value) if value == value.to_integral_value() else float(value)


#: An integer amount that is a digit string on the wire.
Units = Annotated[int, BeforeValidator(_units), PlainSerializer(str, return_type=str)]
#: A JSON number held exactly.
Number = Annotated[Decimal, PlainSerializer(_number, return_type=float)]


class _Wire(BaseModel):
    """Unknown fields are kept, not rejected: servers add fields over time."""

    model_config = ConfigDict(extra="allow", frozen=True)


class Envelope(_Wire, Generic[T]):
    """Guide 0.3: every non-SSE response."""

    code: int
    msg: str
    data: T | None = None


class QuoteRequest(_Wire):
    """Guide 1.2: query parameters of the GET form, or the POST body."""

    src_token_id: int
    dst_token_id: int
    amount_in: Units
    slippage: Number
    promo_code: str | None = None
    channel_id: int | None = None

    def query(self) -> dict[str, str]:
        params = self.model_dump(mode="json", exclude_none=True)
        return {key: str(value) for key, value in params.items()}


class ChannelQuote(_Wire):
    """Guide 1.3.1: the data of an ``event: channel``."""

    channel_id: int
    name: str
    symbol: str
    channel_icon: str
    estimated_out_str: Units
    estimated_out_usd: str
    channel_fee: Number
    channel_fee_original: Number
    promo_applied: bool
    discount_pct: Number | None = None


class ChannelError(_Wire):
    """Guide 1.3.1: the data of an ``event: error``; ``channel_id`` is optional."""

    channel_id: int | None = None
    msg: str


class Done(_Wire):
    """Guide 1.3.1: ``event: done`` with ``{}``."""


class OrderChannel(_Wire):
    """Guide 2.3.1: one ``channels[]`` entry, the quote as it was received."""

    channel_id: int
    estimated_out_str: Units
    name: str | None = None
    symbol: str | None = None
    channel_icon: str | None = None
    estimated_out_usd: str | None = None
    channel_fee: Number | None = None


class CreateOrderRequest(_Wire):
    """Guide 2.3: the body of ``POST /api/v1/integrator/orders``."""

    src_token_id: int
    dst_token_id: int
    amount_in: Units
    dst_address: str
    chosen_channel_id: int
    slippage: Number
    main_channel_estimated_out_amount: Units
    min_acceptable_out_amount: Units
    channels: list[OrderChannel]
    client_order_id: str | None = None
    client_id: str | None = None
    partner_app_id: int | None = None
    user_id: str | None = None
    invite_code: str | None = None
    promo_code: str | None = None
    is_use_wallet: bool | None = None
    fee_rate: Number | None = None
    min_quote_amount: Units | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class _FeeSnapshot(_Wire):
    """Guide 2.4's fee snapshot: amounts in source smallest units, rates in percent.

    Optional everywhere: an idempotent repeat of an order omits it.
    """

    fee_platform: Units | None = None
    fee_partner: Units | None = None
    fee_integrator: Units | None = None
    fee_platform_original: Units | None = None
    platform_fee_rate: Decimal | None = None
    partner_fee_rate: Decimal | None = None
    integrator_fee_rate: Decimal | None = None


class OrderCreated(_FeeSnapshot):
    """Guide 2.4. An idempotent repeat may carry only these four fields."""

    order_id: int
    order_no: str
    deposit_address: str
    expire_at: datetime


class RefundRequest(_Wire):
    """Guide 3.3."""

    refund_address: str


class TokenInfo(_Wire):
    """``GET /api/v1/tokens`` (a project assumption, see the README)."""

    token_id: int
    symbol: str
    name: str
    decimals: int = Field(ge=0, le=36)
    chain_id: int
    contract_address: str | None = None
    usd_price: Decimal | None = None


class ChainInfo(_Wire):
    """``GET /api/v1/chains`` (a project assumption)."""

    chain_id: int
    name: str
    key: str
    address_format: str
    enabled: bool = True


class ChannelInfo(_Wire):
    """``GET /api/v1/channels`` (a project assumption)."""

    channel_id: int
    name: str
    channel_icon: str | None = None


class StatusChange(_Wire):
    status: str
    at: datetime
    note: str | None = None


class DepositRecord(_Wire):
    amount: Units
    tx_hash: str | None = None
    received_at: datetime
    late: bool = False


class RefundRecord(_Wire):
    refund_address: str
    handling: str
    status: str
    refund_amount: Units | None = None
    gas_fee: Units | None = None
    requested_at: datetime
    completed_at: datetime | None = None
    tx_hash: str | None = None


class OrderDetail(_FeeSnapshot):
    """``GET /api/v1/orders/{order_no}`` (a project assumption).

    ``status`` stays a string: a state this client has never heard of must
    be shown, not crash the screen.
    """

    order_id: int
    order_no: str
    status: str
    settled: bool = False
    integrator_id: int | None = None
    client_order_id: str | None = None
    src_token_id: int
    dst_token_id: int
    amount_in: Units
    dst_address: str
    chosen_channel_id: int
    slippage: Decimal
    main_channel_estimated_out_amount: Units
    min_acceptable_out_amount: Units
    promo_code: str | None = None
    deposit_address: str
    created_at: datetime | None = None
    expire_at: datetime
    auto_cancel_at: datetime | None = None
    deposit: DepositRecord | None = None
    out_amount: Units | None = None
    out_tx_hash: str | None = None
    refund: RefundRecord | None = None
    status_history: list[StatusChange] = Field(default_factory=list)
