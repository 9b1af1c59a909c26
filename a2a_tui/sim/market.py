"""Prices and channel quotes of the simulated market, in exact arithmetic.

A quote is a pure function of (channel, pair, amount, promo, time): the same
request at the same simulated instant gets the same answer, which is what the
order endpoint's "fresh server-side quote" check relies on. Time enters
through a small deterministic price wobble, so a quote held for minutes drifts
away from the market the way the guide warns (FAQ Q4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from a2a_tui.sim.catalog import PROMOS, SimChain, SimChannel, SimToken

__all__ = ["ChannelPrice", "Market", "Pair", "QuoteRefused"]

_USD_QUANTUM = Decimal("0.000001")


class QuoteRefused(Exception):
    """The channel would answer this quote with an error event."""


@dataclass(frozen=True, slots=True)
class ChannelPrice:
    estimated_out: int
    estimated_out_usd: Decimal
    channel_fee: Decimal
    channel_fee_original: Decimal
    promo_applied: bool
    discount_pct: Decimal | None


@dataclass(frozen=True, slots=True)
class Pair:
    dst: SimToken
    value_usd: Fraction
    gross_out: Fraction  # destination smallest units before any fee
    dst_price: Fraction


@dataclass
class Market:
    chains: dict[int, SimChain]
    tokens: dict[int, SimToken]
    channels: dict[int, SimChannel]
    seed: int = 0
    shifts_bps: dict[int, int] = field(default_factory=dict)
    #: 0: prices wobble with the absolute simulated time. Else they move in steps
    #: of this many seconds counted from ``epoch`` (the simulator's start), so a
    #: given seed prices its first seconds the same on every start (the demo's).
    step: float = 0.0
    epoch: datetime | None = None

    def chain_of(self, token: SimToken) -> SimChain | None:
        chain = self.chains.get(token.chain_id)
        return chain if chain is not None and chain.enabled else None

    def serves(self, channel: SimChannel, src: SimToken, dst: SimToken) -> bool:
        if not channel.enabled:
            return False
        if channel.chains is None:
            return True
        src_chain, dst_chain = self.chains[src.chain_id], self.chains[dst.chain_id]
        return src_chain.key in channel.chains and dst_chain.key in channel.chains

    def price(self, token: SimToken, at: datetime) -> Fraction:
        """USD price at a simulated instant: base, wobble and manual shifts."""
        wobble = 0
        if token.drift_bps:
            t = at.timestamp()
            if self.step and self.epoch is not None:
                t = (t - self.epoch.timestamp()) // self.step * self.step
            phase = (self.seed * 7919 + token.token_id * 104729) % 3600
            wave = math.sin(2 * math.pi * (t + phase) / 600) + 0.3 * math.sin(2 * math.pi * t / 47)
            wobble = round(token.drift_bps * wave)  # integer bps: the money stays exact
        bps = 10_000 + wobble + self.shifts_bps.get(token.token_id, 0)
        return Fraction(token.usd_price) * bps / 10_000

    def usd_value(self, token: SimToken, amount: int, at: datetime) -> Fraction:
        return Fraction(amount, 10**token.decimals) * self.price(token, at)

    def pair(self, src: SimToken, dst: SimToken, amount_in: int, at: datetime) -> Pair:
        """What every channel of one quote shares: computed once per stream."""
        dst_price = self.price(dst, at)
        value_usd = self.usd_value(src, amount_in, at)
        return Pair(dst, value_usd, value_usd / dst_price * 10**dst.decimals, dst_price)

    def quote(
        self,
        channel: SimChannel,
        src: SimToken,
        dst: SimToken,
        amount_in: int,
        promo_code: str | None,
        at: datetime,
    ) -> ChannelPrice:
        return self.quote_pair(channel, self.pair(src, dst, amount_in, at), promo_code)

    def quote_pair(self, channel: SimChannel, pair: Pair, promo_code: str | None) -> ChannelPrice:
        """Net output after fee, spread and size-dependent impact, floored."""
        value_usd = pair.value_usd
        if value_usd < channel.min_usd:
            raise QuoteRefused(f"amount below channel minimum ({channel.min_usd} USD)")
        if value_usd > channel.max_usd:
            raise QuoteRefused("insufficient liquidity")
        discount = PROMOS.get(promo_code or "") if channel.promo_eligible else None
        fee = channel.fee_pct * (1 - discount / 100) if discount is not None else channel.fee_pct
        impact_bps = channel.impact_bps_per_musd * value_usd / 1_000_000
        keep = (1 - Fraction(fee) / 100) * (1 - (channel.spread_bps + impact_bps) / 10_000)
        out = math.floor(pair.gross_out * keep)
        if out <= 0:
            raise QuoteRefused("amount too small after fees")
        dst = pair.dst
        out_usd = Fraction(out, 10**dst.decimals) * pair.dst_price
        usd = (Decimal(out_usd.numerator) / Decimal(out_usd.denominator)).quantize(
            _USD_QUANTUM, rounding=ROUND_DOWN
        )
        return ChannelPrice(
            estimated_out=out,
            estimated_out_usd=usd,
            channel_fee=fee.normalize() if discount is not None else fee,
            channel_fee_original=channel.fee_pct,
            promo_applied=discount is not None,
            discount_pct=discount,
        )
