"""The simulator's state and behaviour, independent of HTTP.

`Simulator` owns the market, the clock, the order book, the fault switches
and the stream counters; `a2a_tui.sim.api` only translates HTTP to calls on
it. All mutation happens on the server's event loop, so no locks are needed.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from starlette.routing import Route

from a2a_tui.domain.addresses import address_problem, generate_address
from a2a_tui.sim import catalog
from a2a_tui.sim.catalog import ApiKey, SimChannel, SimIntegrator, SimToken
from a2a_tui.sim.clock import SimClock, iso
from a2a_tui.sim.direct.catalog import (
    demo_provider_credentials,
)
from a2a_tui.sim.direct.changelly import ChangellySim
from a2a_tui.sim.direct.common import DirectContext, DirectFaults, Think
from a2a_tui.sim.direct.okx import OkxSim
from a2a_tui.sim.direct.swapkit import SwapKitSim
from a2a_tui.sim.direct.swapscanner import SwapscannerSim
from a2a_tui.sim.errors import ApiFailure, bad_request
from a2a_tui.sim.market import Market, Pair, QuoteRefused
from a2a_tui.sim.orders import FeeSnapshot, Order, OrderBook, Outcome, Timings
from a2a_tui.sim.requests import OrderBody, QuoteParams

__all__ = ["ChannelPlan", "Faults", "SimConfig", "Simulator", "StreamStats"]

ChannelMode = Literal["ok", "error", "timeout"]
_UPSTREAM_ERRORS = ("upstream error", "no route found", "upstream rate limited")


@dataclass(frozen=True)
class SimConfig:
    """Everything that makes one simulator differ from another; all of it is
    reachable from the ``a2a-tui sim`` command line."""

    seed: int = 0
    latency_scale: float = 1.0
    upstream_timeout: float = 60.0
    extra_channels: int = 0
    failures: bool = True  # random upstream errors and timeouts at each channel's rate
    failure_free_quotes: int = 0  # the first N quotes have no random failures (the demo's)
    #: Seconds between price moves, counted from the start (0: continuous, by the
    #: absolute clock). The demo's 10 gives the same first board on every start.
    price_step: float = 0.0
    frozen_clock: bool = False
    start: datetime | None = None
    ping_interval: float = 15.0
    quote_tolerance_bps: int = 50
    min_order_usd: Decimal = Decimal(1)
    public_fee_pct: Decimal = Decimal("0.30")
    timings: Timings = field(default_factory=Timings)
    channels: tuple[SimChannel, ...] | None = None  # replaces the catalogue's channels
    stamp_events: bool = False  # SSE id = send time in ns since the epoch (benchmarks)
    #: What the direct providers' auth windows and expiries compare with (tests skew it).
    wall_clock: Callable[[], float] = time.time


@dataclass
class Faults:
    quote_service: Literal["timeout", "unavailable"] | None = None
    channels: dict[int, ChannelMode] = field(default_factory=dict)
    race_next_refund: bool = False


@dataclass
class StreamStats:
    opened: int = 0
    completed: int = 0
    disconnected: int = 0

    @property
    def active(self) -> int:
        return self.opened - self.completed - self.disconnected

    def wire(self) -> dict[str, int]:
        return {
            "opened": self.opened,
            "completed": self.completed,
            "disconnected": self.disconnected,
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class ChannelPlan:
    channel: SimChannel
    delay: float
    mode: ChannelMode
    error: str


@dataclass(frozen=True, slots=True)
class _Binding:
    key: ApiKey
    integrator: SimIntegrator


class Simulator:
    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config = config or SimConfig()
        channels = config.channels if config.channels is not None else catalog.CHANNELS
        channels += catalog.synthetic_channels(config.extra_channels, config.seed)
        self.market = Market(
            chains={c.chain_id: c for c in catalog.CHAINS},
            tokens={t.token_id: t for t in catalog.TOKENS},
            channels={c.channel_id: c for c in channels},
            seed=config.seed,
        )
        self.clock = SimClock(start=config.start, frozen=config.frozen_clock)
        if config.price_step:
            self.market.step, self.market.epoch = config.price_step, self.clock.now()
        self.orders = OrderBook(config.timings, random.Random(f"orders:{config.seed}"))
        self.faults = Faults()
        self.stats = StreamStats()
        self._addresses = random.Random(f"addresses:{config.seed}")
        self._quote_seq = 0
        self._keys = {k.key: k for k in catalog.API_KEYS}
        self._integrators = {i.integrator_id: i for i in catalog.INTEGRATORS}
        self.direct_faults = DirectFaults()
        direct = DirectContext(self.market, self.clock, config.wall_clock,
                               Think(config.seed, config.latency_scale), self.direct_faults,
                               config.seed)  # fmt: skip
        self.okx = OkxSim(direct)
        self.swapscanner = SwapscannerSim(direct)
        self.changelly = ChangellySim(direct)
        self.swapkit = SwapKitSim(direct, failures=config.failures)
        #: Called with (channel_id, event name) as each stream event is handed to
        #: the server: the benchmark's "left the server" timestamp.
        self.on_event: Callable[[int | None, str], None] | None = None

    def direct_routes(self) -> list[Route]:
        """The direct providers' endpoints, each under its own path prefix."""
        sims = (self.okx, self.swapscanner, self.changelly, self.swapkit)
        return [route for provider in sims for route in provider.routes()]

    # -- credentials ----------------------------------------------------------

    def credentials(self) -> dict[str, Any]:
        return {
            "integrator_api_keys": [
                {
                    "key": k.key,
                    "integrator_id": k.integrator_id,
                    "fee_rate": float(k.fee_rate),
                    "enabled": k.enabled,
                    "integrator_enabled": self._integrators[k.integrator_id].enabled,
                }
                for k in self._keys.values()
            ],
            "promo_codes": {code: float(pct) for code, pct in catalog.PROMOS.items()},
        }

    def provider_credentials(self, base_url: str) -> dict[str, dict[str, str]]:
        """Per direct provider: where it is simulated and its demo credentials."""
        return demo_provider_credentials(base_url)

    def _binding(self, key: str | None) -> _Binding | None:
        api_key = self._keys.get(key or "")
        if api_key is None or not api_key.enabled:
            return None
        return _Binding(api_key, self._integrators[api_key.integrator_id])

    # -- catalogue ------------------------------------------------------------

    def token(self, token_id: int) -> SimToken:
        token = self.market.tokens.get(token_id)
        if token is None:
            raise bad_request("token not found")
        if self.market.chain_of(token) is None:
            raise bad_request("chain not found")
        return token

    def tokens_wire(self) -> list[dict[str, Any]]:
        now = self.clock.now()
        return [
            {
                "token_id": t.token_id,
                "symbol": t.symbol,
                "name": t.name,
                "decimals": t.decimals,
                "chain_id": t.chain_id,
                "contract_address": t.contract_address,
                "usd_price": _usd(self.market.price(t, now)),
            }
            for t in self.market.tokens.values()
        ]

    def chains_wire(self) -> list[dict[str, Any]]:
        return [
            {
                "chain_id": c.chain_id,
                "key": c.key,
                "name": c.name,
                "address_format": c.address_format.value,
                "enabled": c.enabled,
            }
            for c in self.market.chains.values()
        ]

    def channels_for(self, src_id: int | None, dst_id: int | None) -> list[SimChannel]:
        channels = [c for c in self.market.channels.values() if c.enabled]
        if src_id is None or dst_id is None:
            return channels
        src, dst = self.token(src_id), self.token(dst_id)
        return [c for c in channels if self.market.serves(c, src, dst)]

    # -- quotes ---------------------------------------------------------------

    def plan_quote(self, params: QuoteParams) -> list[ChannelPlan]:
        """Validate in the guide's 1.4 order and decide each channel's fate."""
        src, dst = self.token(params.src_token_id), self.token(params.dst_token_id)
        if params.channel_id is not None and params.channel_id not in self.market.channels:
            raise bad_request("channel not found")
        channels = [
            c
            for c in self.channels_for(src.token_id, dst.token_id)
            if params.channel_id in (None, c.channel_id)
        ]
        if not channels or src.token_id == dst.token_id:
            raise bad_request("no available channels")
        if self.faults.quote_service == "timeout":
            raise ApiFailure(502, "quote service timed out")
        if self.faults.quote_service == "unavailable":
            raise ApiFailure(502, "quote service unavailable")
        self._quote_seq += 1
        return [self._plan_channel(c, self._quote_seq) for c in channels]

    def _plan_channel(self, channel: SimChannel, seq: int) -> ChannelPlan:
        rng = random.Random(f"{self.config.seed}:{seq}:{channel.channel_id}")
        delay = channel.latency_ms / 1000 * rng.lognormvariate(0, channel.jitter)
        roll, error = rng.random(), rng.choice(_UPSTREAM_ERRORS)
        mode: ChannelMode = "ok"
        failures = self.config.failures and seq > self.config.failure_free_quotes
        if failures and roll < channel.timeout_rate:
            mode = "timeout"
        elif failures and roll < channel.timeout_rate + channel.error_rate:
            mode = "error"
        mode = self.faults.channels.get(channel.channel_id, mode)
        return ChannelPlan(channel, delay * self.config.latency_scale, mode, error)

    def pair(self, params: QuoteParams) -> Pair:
        market = self.market
        src, dst = market.tokens[params.src_token_id], market.tokens[params.dst_token_id]
        return market.pair(src, dst, params.amount_in, self.clock.now())

    def channel_event(
        self, plan: ChannelPlan, params: QuoteParams, pair: Pair | None = None
    ) -> tuple[str, str]:
        """The (event, data) a channel sends once its delay has passed."""
        channel = plan.channel
        if plan.mode == "error":
            return "error", _json({"channel_id": channel.channel_id, "msg": plan.error})
        pair = pair or self.pair(params)
        try:
            price = self.market.quote_pair(channel, pair, params.promo_code)
        except QuoteRefused as refused:
            return "error", _json({"channel_id": channel.channel_id, "msg": str(refused)})
        return "channel", _json(
            {
                "channel_id": channel.channel_id,
                "name": channel.name,
                "symbol": pair.dst.symbol,
                "channel_icon": channel.icon,
                "estimated_out_str": str(price.estimated_out),
                "estimated_out_usd": str(price.estimated_out_usd),
                "channel_fee": float(price.channel_fee),
                "channel_fee_original": float(price.channel_fee_original),
                "promo_applied": price.promo_applied,
                "discount_pct": None if price.discount_pct is None else float(price.discount_pct),
            }
        )

    async def stream(
        self, params: QuoteParams, plans: list[ChannelPlan]
    ) -> AsyncIterator[dict[str, str] | bytes]:
        """Each channel as soon as it answers, an error at the upstream timeout,
        ``done`` last; a disconnect cancels whatever is still waiting."""
        self.stats.opened += 1
        if all(plan.delay == 0 and plan.mode != "timeout" for plan in plans):
            async for chunk in self._burst(params, plans):
                yield chunk
            return
        ready: asyncio.Queue[tuple[int, str, str]] = asyncio.Queue()
        timeout = self.config.upstream_timeout

        async def answer(plan: ChannelPlan) -> None:
            cid = plan.channel.channel_id
            if plan.mode == "timeout" or plan.delay >= timeout:
                await asyncio.sleep(timeout)
                timed_out = _json({"channel_id": cid, "msg": "upstream timeout"})
                ready.put_nowait((cid, "error", timed_out))
                return
            await asyncio.sleep(plan.delay)
            ready.put_nowait((cid, *self.channel_event(plan, params)))

        tasks = [asyncio.create_task(answer(plan)) for plan in sorted(plans, key=lambda p: p.delay)]
        finished = False
        try:
            for _ in tasks:
                cid, event, data = await ready.get()
                if self.on_event is not None:
                    self.on_event(cid, event)
                if self.config.stamp_events:
                    yield {"event": event, "data": data, "id": str(time.time_ns())}
                else:
                    yield {"event": event, "data": data}
            finished = True
            yield {"event": "done", "data": "{}"}
        finally:
            # No await here: anyio cancels level-triggered, so any await in a
            # cancelled stream would raise again before the bookkeeping ran.
            if finished:
                self.stats.completed += 1
            else:
                self.stats.disconnected += 1
            for task in tasks:
                task.cancel()

    async def _burst(self, params: QuoteParams, plans: list[ChannelPlan]) -> AsyncIterator[bytes]:
        """Latency scale 0: every channel is ready at once, so the events go out
        pre-encoded in 64 KiB writes. The stream's bytes are the same as ever;
        only the per-event server overhead is gone, so a benchmark measures the
        client, not this simulator."""
        finished = False
        try:
            pair = self.pair(params)
            blocks = [
                (plan.channel.channel_id, "event: {}\ndata: {}\n\n".format(
                    *self.channel_event(plan, params, pair)).encode())
                for plan in plans
            ]  # fmt: skip
            blocks.append((0, b"event: done\ndata: {}\n\n"))
            start = 0
            while start < len(blocks):  # everything is computed before the first byte
                end, size = start, 0
                while end < len(blocks) and size < 65_536:
                    size += len(blocks[end][1])
                    end += 1
                self._sent([cid for cid, _ in blocks[start:end] if cid])
                if self.config.stamp_events:
                    stamp = f"id: {time.time_ns()}\n".encode()
                    yield b"".join(stamp + block for _, block in blocks[start:end])
                else:
                    yield b"".join(block for _, block in blocks[start:end])
                start = end
            finished = True
        finally:
            if finished:
                self.stats.completed += 1
            else:
                self.stats.disconnected += 1

    def _sent(self, channel_ids: list[int]) -> None:
        if self.on_event is not None:
            for cid in channel_ids:
                self.on_event(cid, "channel")

    # -- orders ---------------------------------------------------------------

    def find_order(self, order_no: str) -> Order:
        self.orders.sync(self.clock.now())
        order = self.orders.orders.get(order_no)
        if order is None:
            raise bad_request("order not found")
        return order

    def create_order(
        self, body: OrderBody, *, api_key: str | None, integrator_endpoint: bool
    ) -> dict[str, Any]:
        """Guide 2.2-2.5, validations in a fixed, documented order."""
        now = self.clock.now()
        self.orders.sync(now)
        binding = self._binding(api_key) if integrator_endpoint else None
        if binding is not None and not binding.integrator.enabled:
            binding = None  # 2.2: a disabled integrator falls back to a plain order
        if integrator_endpoint and ((body.split_count or 0) >= 2 or body.is_risk):
            raise bad_request("split orders are not supported for integrator orders")
        scope = binding.integrator.integrator_id if binding else None
        if body.client_order_id:
            existing = self.orders.by_client_id(scope, body.client_order_id)
            if existing is not None:
                if existing.body.fingerprint() != body.fingerprint():
                    raise bad_request("duplicate client_order_id")
                return existing.creation_wire(short=True)
        src, dst = self.token(body.src_token_id), self.token(body.dst_token_id)
        src_chain, dst_chain = self.market.chains[src.chain_id], self.market.chains[dst.chain_id]
        if address_problem(dst_chain.address_format, body.dst_address) is not None:
            raise bad_request("dst_address invalid")
        entries = {entry.channel_id: entry for entry in body.channels}
        chosen = entries.get(body.chosen_channel_id)
        if chosen is None:
            raise bad_request("chosen_channel_id not in channels")
        channel = self.market.channels.get(body.chosen_channel_id)
        if channel is None or not self.market.serves(channel, src, dst):
            raise bad_request("channel not found")
        if self.market.usd_value(src, body.amount_in, now) < self.config.min_order_usd:
            raise bad_request("amount_in below minimum")
        main_out = body.main_channel_estimated_out_amount
        if chosen.estimated_out != main_out:
            raise bad_request("quote amount mismatch")
        keep = 1 - Fraction(body.slippage)
        if body.min_acceptable_out_amount < main_out * keep.numerator // keep.denominator:
            raise bad_request("min_acceptable_out_amount too low")
        self._check_fresh_quote(channel, src, dst, body, now)
        if binding is not None:
            fees = FeeSnapshot.compute(
                body.amount_in, binding.integrator.tier_fee_pct, binding.key.fee_rate
            )
        else:
            fees = FeeSnapshot.compute(body.amount_in, self.config.public_fee_pct, Decimal(0))
        gas_units = Fraction(src_chain.refund_gas_usd) / self.market.price(src, now)
        order = self.orders.add(
            body,
            integrator_id=scope,
            fees=fees,
            deposit_address=generate_address(src_chain.address_format, self._addresses),
            refund_gas_fee=math.ceil(gas_units * 10**src.decimals),
            now=now,
        )
        return order.creation_wire()

    def _check_fresh_quote(
        self, channel: SimChannel, src: SimToken, dst: SimToken, body: OrderBody, now: datetime
    ) -> None:
        try:
            fresh = self.market.quote(
                channel, src, dst, body.amount_in, body.promo_code, now
            ).estimated_out
        except QuoteRefused:
            raise bad_request("quote amount mismatch") from None
        drift = abs(body.main_channel_estimated_out_amount - fresh) * 10_000
        if drift > self.config.quote_tolerance_bps * fresh:
            raise bad_request("quote amount mismatch")

    def authorize_refund(self, headers: Mapping[str, str]) -> int:
        """Guide 3.2: header only, no fallback; returns the integrator id."""
        api_key = self._keys.get(headers.get("x-integrator-api-key", "").strip())
        if api_key is None or not api_key.enabled:
            raise ApiFailure(401, "unauthorized")
        if not self._integrators[api_key.integrator_id].enabled:
            raise ApiFailure(403, "integrator disabled")
        return api_key.integrator_id

    async def request_refund(self, order_no: str, address: str, integrator_id: int | None) -> None:
        """Guide 3.4-3.7. ``integrator_id`` None is the public endpoint."""
        order = self.find_order(order_no)
        if integrator_id is not None and order.integrator_id != integrator_id:
            raise ApiFailure(403, "order does not belong to integrator")
        src = self.market.tokens[order.body.src_token_id]
        if address_problem(self.market.chains[src.chain_id].address_format, address):
            raise bad_request("refund_address invalid")
        now = self.clock.now()
        version = order.version
        if not self.orders.check_refund(order, address, now):
            return
        await asyncio.sleep(0)  # the write is a separate round trip: others may get there first
        if self.faults.race_next_refund:
            self.faults.race_next_refund = False
            self.orders.touch(order, now)
        if order.version != version:
            raise bad_request("order_state_changed_retry")
        self.orders.start_refund(order, address, now)

    def simulate_deposit(
        self, order_no: str, outcome: Outcome, amount: int | None, execution_details: bool
    ) -> Order:
        order = self.find_order(order_no)
        self.orders.deposit(
            order,
            outcome=outcome,
            amount=amount,
            execution_details=execution_details,
            now=self.clock.now(),
        )
        return order

    def advance(self, seconds: float) -> datetime:
        now = self.clock.advance(seconds)
        self.orders.sync(now)
        return now

    def now_wire(self) -> dict[str, str]:
        return {"now": iso(self.clock.now())}


def _json(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _usd(price: Fraction) -> str:
    exact = Decimal(price.numerator) / Decimal(price.denominator)
    return str(exact.quantize(Decimal("0.000001")))
