"""Orders as the app knows them: states, the draft a trader confirms, what the
server answered, and what the journal remembers. Pure data and arithmetic.

The simulator shares `OrderStatus` and its rule sets; everything else here is
the client's view, converted from the wire once, at the provider edge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from a2a_tui.domain.amounts import format_units, min_out
from a2a_tui.domain.quotes import Quote, QuoteSpec
from a2a_tui.domain.text import sentence, sentence_start
from a2a_tui.domain.tokens import Token

__all__ = [
    "FINAL_STATES",
    "MIN_ORDER_USD",
    "ORDER_NO_FORMAT",
    "REFUNDABLE_STATES",
    "SAME_REQUEST_FIELDS",
    "DepositInfo",
    "FeeSnapshot",
    "JournalState",
    "OrderDraft",
    "OrderNumberError",
    "OrderRecord",
    "OrderStatus",
    "OrderView",
    "RefundAttempt",
    "RefundInfo",
    "Refusal",
    "StatusSeen",
    "TokenRef",
    "WatchRecord",
    "fell_by_bps",
    "parse_order_no",
    "parse_status",
    "request_differences",
    "status_label",
]


class OrderStatus(StrEnum):
    """The guide's named states plus the two in-flight ones it implies.

    ``Swapping`` (deposit seen, executing) and ``Refunding`` (refund sent,
    not yet confirmed) are this project's names; the guide only says orders
    are "executed automatically" and principal is "refunded".
    """

    DEPOSITING = "Depositing"
    SWAPPING = "Swapping"
    COMPLETED = "Completed"
    CANCELLED_NO_DEPOSIT = "CancelledNoDeposit"
    REFUND_ADDRESS_PENDING = "RefundAddressPending"
    CHAIN_FAILED = "ChainFailed"
    SLIPPAGE_FAILED = "SlippageFailed"
    MANUAL_REVIEW = "ManualReview"
    REFUNDING = "Refunding"
    REFUNDED = "Refunded"
    FAILED_NO_REFUND = "FailedNoRefund"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    OrderStatus.DEPOSITING: "waiting for deposit",
    OrderStatus.SWAPPING: "deposit received, swapping",
    OrderStatus.COMPLETED: "completed",
    OrderStatus.CANCELLED_NO_DEPOSIT: "deposit expired",
    OrderStatus.REFUND_ADDRESS_PENDING: "failed, refund address needed",
    OrderStatus.CHAIN_FAILED: "on-chain failure",
    OrderStatus.SLIPPAGE_FAILED: "swap failed (slippage)",
    OrderStatus.MANUAL_REVIEW: "refund under manual review",
    OrderStatus.REFUNDING: "refund in progress",
    OrderStatus.REFUNDED: "refunded",
    OrderStatus.FAILED_NO_REFUND: "failed, no refund",
}

#: States that never change again (a settled CancelledNoDeposit is final too,
#: but that depends on time, not on the state name).
FINAL_STATES = frozenset(
    {OrderStatus.COMPLETED, OrderStatus.REFUNDED, OrderStatus.FAILED_NO_REFUND}
)

#: Failed swaps whose principal is refunded automatically on request (guide 3.4).
REFUNDABLE_STATES = frozenset(
    {
        OrderStatus.REFUND_ADDRESS_PENDING,
        OrderStatus.CHAIN_FAILED,
        OrderStatus.SLIPPAGE_FAILED,
    }
)


#: What an order number looks like (guide 2.4: ``OD2026052510000001``, ``OD``, the
#: date and an 8-digit sequence). Named in every "not an order number" message.
ORDER_NO_FORMAT = "OD followed by 16 digits, e.g. OD2026052510000001"
_ORDER_NO = re.compile(r"OD[0-9]{16}")


class OrderNumberError(ValueError):
    """Not an order number; ``str()`` names the expected format."""


def parse_order_no(text: str) -> str:
    """The one reading of an order number typed by a person (CLI, the look-up
    dialog): blanks around it dropped, case ignored, upper case returned.
    Anything else raises `OrderNumberError` before a request is made (an order
    number goes into a URL path)."""
    value = text.strip().upper()
    if not _ORDER_NO.fullmatch(value):
        shown = text.strip()
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        raise OrderNumberError(f"not an order number: {shown!r} (expected {ORDER_NO_FORMAT})")
    return value


def parse_status(value: str) -> OrderStatus | str:
    """A state this client knows, or the server's word for one it does not
    (shown as it is, never a crash)."""
    try:
        return OrderStatus(value)
    except ValueError:
        return value


def status_label(status: OrderStatus | str) -> str:
    return status.label if isinstance(status, OrderStatus) else f"{status} (unknown state)"


class Refusal(StrEnum):
    """Guide 2.5's error messages, verbatim: what the server can refuse an order for.

    ``channel not found`` is guide 1.4's and the simulator's answer for a
    channel that does not serve the pair; the order endpoint reuses it.
    """

    INVALID_BODY = "invalid request body"
    TOKENS_REQUIRED = "src_token_id/dst_token_id required"
    TOKEN_NOT_FOUND = "token not found"
    CHAIN_NOT_FOUND = "chain not found"
    CHANNEL_NOT_FOUND = "channel not found"
    DST_ADDRESS_INVALID = "dst_address invalid"
    CHANNEL_NOT_IN_CHANNELS = "chosen_channel_id not in channels"
    SLIPPAGE_OUT_OF_RANGE = "slippage out of range"
    MIN_OUT_TOO_LOW = "min_acceptable_out_amount too low"
    QUOTE_MISMATCH = "quote amount mismatch"
    AMOUNT_BELOW_MINIMUM = "amount_in below minimum"
    DUPLICATE_CLIENT_ORDER_ID = "duplicate client_order_id"
    SPLIT_NOT_SUPPORTED = "split orders are not supported for integrator orders"


#: The smallest order the host accepts, in USD: a project assumption (the guide
#: names the error, not the amount; the simulator enforces this value).
MIN_ORDER_USD = Decimal(1)


#: What the host counts as one request for one ``client_order_id``: a repeat with
#: these fields unchanged is answered with the existing order (guide 2.4), any other
#: is ``duplicate client_order_id`` (2.5). The simulator compares the same five.
SAME_REQUEST_FIELDS = (
    "src_token_id",
    "dst_token_id",
    "amount_in",
    "dst_address",
    "chosen_channel_id",
)


def request_differences(
    journaled: Mapping[str, object],
    wanted: Mapping[str, object],
    *,
    journaled_tokens: tuple[TokenRef | None, TokenRef | None] = (None, None),
    wanted_tokens: tuple[TokenRef | None, TokenRef | None] = (None, None),
) -> tuple[str, ...]:
    """How ``wanted`` differs from a journaled order body, in `SAME_REQUEST_FIELDS`,
    each as ``what: this request's, that order's``. A field ``wanted`` leaves out
    (or sets to None) is not compared: ``--channel best`` takes any channel."""

    def token(side: tuple[TokenRef | None, TokenRef | None], index: int, value: object) -> str:
        ref = side[index]
        return ref.label if ref is not None and ref.token_id == value else f"token {value}"

    def amount(side: tuple[TokenRef | None, TokenRef | None], value: object) -> str:
        ref = side[0]
        if ref is None or not str(value).isdigit():
            return f"{value} units"
        return f"{format_units(int(str(value)), ref.decimals)} {ref.symbol}"

    said: list[str] = []
    for field in SAME_REQUEST_FIELDS:
        new, old = wanted.get(field), journaled.get(field)
        if new is None or str(new) == str(old):
            continue
        match field:
            case "src_token_id":
                said.append(f"source {token(wanted_tokens, 0, new)}, that order's "
                            f"{token(journaled_tokens, 0, old)}")  # fmt: skip
            case "dst_token_id":
                said.append(f"destination {token(wanted_tokens, 1, new)}, that order's "
                            f"{token(journaled_tokens, 1, old)}")  # fmt: skip
            case "amount_in":
                said.append(f"amount {amount(wanted_tokens, new)}, that order's "
                            f"{amount(journaled_tokens, old)}")  # fmt: skip
            case "dst_address":
                said.append(f"address {new}, that order's {old}")
            case _:
                said.append(f"channel {new}, that order's {old}")
    return tuple(said)


@dataclass(frozen=True, slots=True)
class TokenRef:
    """Enough of a token to show an amount: kept in the journal with the order."""

    token_id: int
    symbol: str
    decimals: int
    chain: str  # the chain's display name
    address_format: str | None = None  # `AddressFormat` value, None if unknown

    @classmethod
    def of(cls, token: Token) -> TokenRef:
        fmt = token.chain.address_format
        return cls(token.token_id, token.symbol, token.decimals, token.chain.name,
                   None if fmt is None else str(fmt))  # fmt: skip

    @property
    def label(self) -> str:
        return f"{self.symbol} ({self.chain})"


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """Everything the trader confirms: one chosen channel of one quote request.

    ``channels`` is every channel object received in that quote request
    (guide 2.3, FAQ Q2), the chosen one included; ``quoted_at`` is when the
    chosen quote arrived, on the caller's monotonic clock.
    """

    spec: QuoteSpec
    chosen: Quote
    channels: tuple[Quote, ...]
    quoted_at: float
    dst_address: str = ""
    client_order_id: str = ""
    user_id: str | None = None

    @property
    def min_out(self) -> int:
        """Guide section 4: floor(estimated_out × (1 − slippage)), exact."""
        return min_out(self.chosen.out_amount, self.spec.slippage)

    @property
    def promo_code(self) -> str | None:
        return self.spec.promo_code

    @property
    def src(self) -> TokenRef:
        return TokenRef.of(self.spec.src)

    @property
    def dst(self) -> TokenRef:
        return TokenRef.of(self.spec.dst)

    def age(self, now: float) -> float:
        return now - self.quoted_at

    def with_quote(self, fresh: Quote, quoted_at: float) -> OrderDraft:
        """The same order on a fresh single-channel quote: its channels are
        that request's only channel, never a mix of two requests."""
        return OrderDraft(self.spec, fresh, (fresh,), quoted_at, self.dst_address,
                          self.client_order_id, self.user_id)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FeeSnapshot:
    """Guide 2.4: amounts in the source token's smallest units, rates in percent.

    Every field may be missing: an idempotent repeat omits them all (2.4).
    """

    fee_platform: int | None = None
    fee_partner: int | None = None
    fee_integrator: int | None = None
    fee_platform_original: int | None = None
    platform_fee_rate: Decimal | None = None
    partner_fee_rate: Decimal | None = None
    integrator_fee_rate: Decimal | None = None

    @property
    def empty(self) -> bool:
        return all(getattr(self, name) is None for name in self.__slots__)

    def merged(self, other: FeeSnapshot) -> FeeSnapshot:
        """This snapshot, gaps filled from ``other``."""
        return FeeSnapshot(*(
            getattr(self, name) if getattr(self, name) is not None else getattr(other, name)
            for name in self.__slots__
        ))  # fmt: skip

    def as_dict(self) -> dict[str, str | None]:
        return {name: None if (v := getattr(self, name)) is None else str(v)
                for name in self.__slots__}  # fmt: skip


@dataclass(frozen=True, slots=True)
class StatusSeen:
    status: OrderStatus | str
    at: datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DepositInfo:
    """The deposit the host saw; ``late`` when it reached an expired address."""

    amount: int
    received_at: datetime
    tx_hash: str | None = None
    late: bool = False


@dataclass(frozen=True, slots=True)
class RefundInfo:
    """The order's refund record (guide 3.5): once it exists, its address is final.

    ``handling`` is ``auto`` or ``manual_review``; ``status`` the host's word
    (the simulator's: Processing, UnderReview, Completed, Rejected). Text is inert.
    """

    refund_address: str
    handling: str
    status: str
    requested_at: datetime
    refund_amount: int | None = None
    gas_fee: int | None = None
    completed_at: datetime | None = None
    tx_hash: str | None = None


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order as shown: the creation reply completed from the order detail.

    ``integrator_id`` is None when the detail says the order is unbound (no
    commission, guide 2.2); ``verified`` is False when the detail could not be
    read, so binding is unknown rather than absent. Text fields are inert.
    """

    order_no: str
    order_id: int
    deposit_address: str
    expire_at: datetime
    src: TokenRef | None
    dst: TokenRef | None
    amount_in: int | None
    fees: FeeSnapshot = FeeSnapshot()
    status: OrderStatus | str | None = None
    integrator_id: int | None = None
    verified: bool = False
    client_order_id: str | None = None
    dst_address: str | None = None
    chosen_channel_id: int | None = None
    estimated_out: int | None = None
    min_out: int | None = None
    created_at: datetime | None = None
    history: tuple[StatusSeen, ...] = ()
    #: Was an integrator key sent with the creation request; None: not known (an order
    #: looked up by number, not created by this journal).
    key_sent: bool | None = True
    settled: bool | None = None  # None: the detail was not read
    auto_cancel_at: datetime | None = None
    slippage: Decimal | None = None
    promo_code: str | None = None
    deposit: DepositInfo | None = None
    out_amount: int | None = None
    out_tx_hash: str | None = None
    refund: RefundInfo | None = None

    def awaits_deposit(self, now: datetime) -> bool:
        """The deposit address still takes this order's deposit at ``now`` (the host's
        time): not read yet or depositing, and before ``expire_at``. Otherwise
        nothing may invite a payment to it."""
        return self.status in (None, OrderStatus.DEPOSITING) and self.expire_at > now

    @property
    def final(self) -> bool:
        """Nothing will change any more: a final state, or a settled expiry (guide 3.4)."""
        if self.status in FINAL_STATES:
            return True
        return self.status is OrderStatus.CANCELLED_NO_DEPOSIT and self.settled is True

    @property
    def integrator_bound(self) -> bool | None:
        """True/False once the detail was read; None while unknown."""
        return None if not self.verified else self.integrator_id is not None

    def no_commission_reasons(self) -> tuple[str, ...]:
        """Guide 2.2's silent fallbacks that fit what is known, the likeliest first.
        The host's detail says only that the order is unbound, never why."""
        if self.integrator_bound is not False:
            return ()
        if self.key_sent is False:
            return ("no integrator API key was sent with it (none was set for this host)",)
        possible = ("the key is unknown to this host, or disabled", "the integrator is disabled")
        if self.key_sent is None:  # not created here: whether a key was sent is not known
            return ("no key was sent with it", *possible)
        return possible

    def no_commission_summary(self, *, in_app: bool = False, how_to_set: str | None = None) -> str:
        """What is known (the detail has no ``integrator_id``), why as far as it is known,
        and the next step; never a guess stated as fact."""
        reasons = self.no_commission_reasons()
        if self.key_sent is False:
            why = f"{reasons[0]}, so the host made a plain order (guide 2.2)"
        else:
            where = "" if self.key_sent else " (it was not created here)"
            why = f"the host does not say why{where}: {'; or '.join(reasons)}"
        return (
            "this order earns no commission: the host's order detail has no integrator_id. "
            f"{sentence(sentence_start(why))} "
            f"Next: {self.no_commission_next_step(in_app=in_app, how_to_set=how_to_set)}"
        )

    def no_commission_next_step(
        self, *, in_app: bool = False, how_to_set: str | None = None
    ) -> str:
        """What tells the reasons apart, or what the next order needs (``in_app``: the
        settings screen's keys first, else the commands; ``how_to_set``: the key
        store's own next step, which names the variable when no keyring can hold it)."""
        if self.key_sent is False:
            if in_app:
                return "set this host's key in F2 (Settings) for the next order"
            if how_to_set is not None:
                return f"set this host's key for the next order: {how_to_set}"
            return (
                "set this host's key (`a2a-tui keys set any2any.api_key`, or F2 in the app) "
                "for the next order"
            )
        if in_app:
            return "F2, Test (or `a2a-tui keys test any2any`) says whether the key works"
        return "`a2a-tui keys test any2any` (or F2, Test, in the app) says whether the key works"


class JournalState(StrEnum):
    """Where an order request stands in the journal."""

    PENDING = "pending"  # journaled, no definitive answer yet: resent with the same id
    CREATED = "created"  # the server created it (or found it again)
    REFUSED = "refused"  # the server said no: nothing exists on the server


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """One journal entry, as the services and screens read it."""

    id: int
    client_order_id: str
    host: str
    state: JournalState
    journaled_at: datetime
    updated_at: datetime
    key_entry: str | None  # where the key came from (an entry name, or $ENV), never the key
    key_fingerprint: str | None  # a one-way tag of the key, to resend with the same one
    body: Mapping[str, object]
    quote: Mapping[str, object]
    attempts: int = 0
    order_no: str | None = None
    response: Mapping[str, object] | None = None
    error: str | None = None
    last_status: str | None = None
    owner: str | None = None  # who holds the send lease, if anyone


@dataclass(frozen=True, slots=True)
class WatchRecord:
    """An order looked up by number (not created here), kept on the watch list."""

    id: int
    host: str
    order_no: str
    added_at: datetime
    updated_at: datetime
    detail: Mapping[str, object] | None = None  # the latest order detail, as JSON
    last_status: str | None = None


@dataclass(frozen=True, slots=True)
class RefundAttempt:
    """A refund request this journal sent, and what came of it.

    ``outcome``: ``sending`` (written before the request; still so if the
    process died), ``requested``, ``already_requested`` (the host had this
    address on record: guide 3.5's idempotent repeat), ``refused`` (``error``
    is the host's 3.7 message), ``unknown`` (no answer after every retry).
    """

    id: int
    host: str
    order_no: str
    refund_address: str
    key_entry: str | None
    requested_at: datetime
    updated_at: datetime
    attempts: int
    outcome: str
    error: str | None = None


def fell_by_bps(old: int, new: int) -> Fraction:
    """How far ``new`` is below ``old``, in basis points (negative: it rose)."""
    return Fraction((old - new) * 10_000, old) if old else Fraction(0)
