"""HTTP surface of the simulator: the guide's endpoints, the documented
assumptions, and the ``/sim/*`` controls. Handlers translate, nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from email.utils import format_datetime
from typing import Any, get_args

from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from a2a_tui.sim.direct.common import FAULTS
from a2a_tui.sim.errors import ApiFailure, bad_request
from a2a_tui.sim.orders import Outcome
from a2a_tui.sim.requests import (
    INVALID_BODY,
    TOKENS_REQUIRED,
    parse_order_body,
    parse_quote_body,
    parse_quote_query,
    parse_refund_body,
)
from a2a_tui.sim.simulator import Simulator

__all__ = ["build_app"]

Handler = Callable[[Request], Awaitable[Response]]


class _MaybeEmpty(Convertor[str]):
    """A path segment that may be empty, so ``/orders//request_refund`` reaches
    the handler and gets the guide's ``order no required`` instead of a 404."""

    regex = "[^/]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("maybe_empty", _MaybeEmpty())


def envelope(data: Any = None, *, status: int = 200, code: int = 0, msg: str = "ok") -> Response:
    body = json.dumps({"code": code, "msg": msg, "data": data}, separators=(",", ":"))
    return Response(body, status_code=status, media_type="application/json")


def _guarded(handler: Handler) -> Handler:
    async def wrapper(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiFailure as failure:
            return envelope(None, status=failure.status, code=failure.status, msg=failure.msg)

    return wrapper


def _create_key(request: Request) -> str | None:
    """Guide 2.2: the header, or ``Authorization: ApiKey <key>``."""
    key = request.headers.get("x-integrator-api-key", "").strip()
    if key:
        return key
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "apikey" and value.strip() else None


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise bad_request(INVALID_BODY) from None
    if not isinstance(body, dict):
        raise bad_request(INVALID_BODY)
    return body


def build_app(sim: Simulator) -> Starlette:
    async def quote_stream(request: Request) -> Response:
        if request.method == "POST":
            params = parse_quote_body(await request.body())
        else:
            params = parse_quote_query(request.query_params)
        plans = sim.plan_quote(params)
        return EventSourceResponse(
            sim.stream(params, plans),
            ping=sim.config.ping_interval,
            sep="\n",  # the guide's fetch example splits on "\n\n": CRLF would break it
            headers={"Cache-Control": "no-cache"},
        )

    async def create_order(request: Request) -> Response:
        body = parse_order_body(await request.body())
        integrator = request.url.path.startswith("/api/v1/integrator/")
        key = _create_key(request) if integrator else None
        return envelope(sim.create_order(body, api_key=key, integrator_endpoint=integrator))

    async def integrator_refund(request: Request) -> Response:
        integrator_id = sim.authorize_refund(request.headers)
        return await _refund(request, integrator_id)

    async def public_refund(request: Request) -> Response:
        return await _refund(request, None)

    async def _refund(request: Request, integrator_id: int | None) -> Response:
        order_no = request.path_params["order_no"].strip()
        if not order_no:
            raise bad_request("order no required")
        address = parse_refund_body(await request.body())
        await sim.request_refund(order_no, address, integrator_id)
        return envelope("ok")

    async def order_detail(request: Request) -> Response:
        return envelope(sim.find_order(request.path_params["order_no"]).detail_wire())

    async def tokens(request: Request) -> Response:
        return envelope(sim.tokens_wire())

    async def chains(request: Request) -> Response:
        return envelope(sim.chains_wire())

    async def channels(request: Request) -> Response:
        """Assumed endpoint: which channels a pair would be quoted by (so a
        client can show "3 of 7 answered" before the last one does)."""
        query = request.query_params
        src, dst = query.get("src_token_id", ""), query.get("dst_token_id", "")
        if not (src.isdigit() and dst.isdigit()) and (src or dst):
            raise bad_request(TOKENS_REQUIRED)
        found = sim.channels_for(int(src) if src else None, int(dst) if dst else None)
        return envelope(
            [{"channel_id": c.channel_id, "name": c.name, "channel_icon": c.icon} for c in found]
        )

    # -- simulator controls -------------------------------------------------------

    async def sim_deposit(request: Request) -> Response:
        body = await _json_object(request)
        outcome = body.get("outcome", "success")
        if outcome not in get_args(Outcome):
            raise bad_request("outcome must be success, slippage_failed or chain_failed")
        amount = body.get("amount")
        if amount is not None and not (isinstance(amount, str) and amount.isdigit()):
            raise bad_request("amount must be an integer string")
        order = sim.simulate_deposit(
            request.path_params["order_no"],
            outcome,
            None if amount is None else int(amount),
            bool(body.get("execution_details", True)),
        )
        return envelope(order.detail_wire())

    async def sim_review(request: Request) -> Response:
        body = await _json_object(request)
        decision = body.get("decision")
        if decision not in ("approve", "reject"):
            raise bad_request("decision must be approve or reject")
        order = sim.find_order(request.path_params["order_no"])
        sim.orders.review(order, approve=decision == "approve", now=sim.clock.now())
        return envelope(order.detail_wire())

    async def sim_advance(request: Request) -> Response:
        seconds = (await _json_object(request)).get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise bad_request("seconds must be a non-negative number")
        sim.advance(seconds)
        return envelope(sim.now_wire())

    async def sim_clock(request: Request) -> Response:
        return envelope(sim.now_wire())

    async def sim_orders(request: Request) -> Response:
        sim.orders.sync(sim.clock.now())
        wanted = request.query_params.get("client_order_id")
        found = [
            o.detail_wire()
            for o in sim.orders.orders.values()
            if wanted is None or o.body.client_order_id == wanted
        ]
        return envelope(found)

    async def sim_faults(request: Request) -> Response:
        body = await _json_object(request)
        faults = sim.faults
        if "quote_service" in body:
            if body["quote_service"] not in (None, "timeout", "unavailable"):
                raise bad_request("quote_service must be null, timeout or unavailable")
            faults.quote_service = body["quote_service"]
        for cid, mode in (body.get("channels") or {}).items():
            if mode not in (None, "ok", "error", "timeout") or not str(cid).isdigit():
                raise bad_request("channels maps a channel id to null, ok, error or timeout")
            if mode is None:
                faults.channels.pop(int(cid), None)
            else:
                faults.channels[int(cid)] = mode
        if "race_next_refund" in body:
            faults.race_next_refund = bool(body["race_next_refund"])
        direct = sim.direct_faults.modes
        for provider, mode in (body.get("providers") or {}).items():
            allowed = FAULTS.get(provider)
            if allowed is None or (mode is not None and mode not in allowed):
                choices = "; ".join(f"{p}: {', '.join(sorted(m))}" for p, m in FAULTS.items())
                raise bad_request(f"providers maps a provider to null or its fault ({choices})")
            if mode is None:
                direct.pop(provider, None)
            else:
                direct[provider] = mode
        return envelope(
            {
                "quote_service": faults.quote_service,
                "channels": {str(k): v for k, v in faults.channels.items()},
                "race_next_refund": faults.race_next_refund,
                "providers": dict(direct),
            }
        )

    async def sim_market_move(request: Request) -> Response:
        body = await _json_object(request)
        token_id, bps = body.get("token_id"), body.get("bps")
        if not isinstance(token_id, int) or not isinstance(bps, int) or isinstance(bps, bool):
            raise bad_request("token_id and bps must be integers")
        token = sim.token(token_id)
        sim.market.shifts_bps[token.token_id] = sim.market.shifts_bps.get(token_id, 0) + bps
        return envelope({"token_id": token_id, "shift_bps": sim.market.shifts_bps[token_id]})

    async def sim_ledger(request: Request) -> Response:
        sim.orders.sync(sim.clock.now())
        return envelope(
            [
                {
                    "order_no": e.order_no,
                    "integrator_id": e.integrator_id,
                    "token_id": e.token_id,
                    "amount": str(e.amount),
                    "status": e.status,
                    "settled_at": e.settled_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
                for e in sim.orders.ledger
            ]
        )

    async def sim_stats(request: Request) -> Response:
        return envelope({"streams": sim.stats.wire()})

    async def sim_config(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return envelope({**sim.credentials(), "providers": sim.provider_credentials(base)})

    routes = [
        Route("/api/v2/quote/stream", _guarded(quote_stream), methods=["GET", "POST"]),
        Route("/api/v1/integrator/orders", _guarded(create_order), methods=["POST"]),
        Route(
            "/api/v1/integrator/orders/{order_no:maybe_empty}/request_refund",
            _guarded(integrator_refund),
            methods=["POST"],
        ),
        Route("/api/v1/orders", _guarded(create_order), methods=["POST"]),
        Route(
            "/api/v1/orders/{order_no:maybe_empty}/request_refund",
            _guarded(public_refund),
            methods=["POST"],
        ),
        Route("/api/v1/orders/{order_no}", _guarded(order_detail), methods=["GET"]),
        Route("/api/v1/tokens", _guarded(tokens), methods=["GET"]),
        Route("/api/v1/chains", _guarded(chains), methods=["GET"]),
        Route("/api/v1/channels", _guarded(channels), methods=["GET"]),
        Route("/sim/orders", _guarded(sim_orders), methods=["GET"]),
        Route("/sim/orders/{order_no}/deposit", _guarded(sim_deposit), methods=["POST"]),
        Route("/sim/orders/{order_no}/review", _guarded(sim_review), methods=["POST"]),
        Route("/sim/clock", _guarded(sim_clock), methods=["GET"]),
        Route("/sim/clock/advance", _guarded(sim_advance), methods=["POST"]),
        Route("/sim/faults", _guarded(sim_faults), methods=["POST"]),
        Route("/sim/market/move", _guarded(sim_market_move), methods=["POST"]),
        Route("/sim/ledger", _guarded(sim_ledger), methods=["GET"]),
        Route("/sim/stats", _guarded(sim_stats), methods=["GET"]),
        Route("/sim/config", _guarded(sim_config), methods=["GET"]),
        *sim.direct_routes(),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SimDate, sim=sim)])


class SimDate:
    """Every answer's ``Date`` is the simulator's clock (advanced with the demo's
    controls), as a real host's is its own: the client estimates the host's time
    from it (uvicorn's own ``Date``, on this machine's clock, is turned off)."""

    def __init__(self, app: ASGIApp, sim: Simulator) -> None:
        self.app, self.sim = app, sim

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def dated(message: Message) -> None:
            if message["type"] == "http.response.start":
                date = format_datetime(self.sim.clock.now(), usegmt=True).encode("latin-1")
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                message = {**message, "headers": [*headers, (b"date", date)]}
            await send(message)

        await self.app(scope, receive, dated)
