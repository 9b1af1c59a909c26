"""Changelly as a quote source: one expiring quote per request, one row.

The row carries ``to.amount``, ``to.min_amount`` as its minimum out, the
``fees.changelly`` / ``fees.affiliate`` breakdown (amount, token, bps), and
``expires_at``: the row shows the quote's own expiry and turns stale at it,
not at the guide's 10 s. Signed (RSA) or with the API key alone, as
``[providers.changelly] auth`` says; the key is loaded on a worker thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from a2a_tui.domain.quotes import FeeLine, Quote, QuoteSpec
from a2a_tui.domain.text import inert
from a2a_tui.domain.tokens import AssetId
from a2a_tui.providers.direct import DirectSource, Event, Pair, usd_value

if TYPE_CHECKING:
    from a2a_tui.providers.assets import AssetRegistry, ChangellyAsset
    from a2a_tui.providers.changelly.client import ChangellyClient
    from a2a_tui.providers.changelly.models import FeeInfo
    from a2a_tui.providers.changelly.models import Quote as Wire

__all__ = ["ChangellySource", "to_quote"]

SOURCE_ID = "changelly"


def _ref(asset: ChangellyAsset) -> dict[str, Any]:
    if asset.token_id is not None:
        return {"token_id": asset.token_id}
    return {"network_id": asset.network_id, "contract_address": asset.contract_address}


class ChangellySource(DirectSource["ChangellyClient"]):
    id = SOURCE_ID
    label = "Changelly"
    tag = "CHG"

    @property
    def _signed(self) -> bool:
        return self.context.settings.get("auth") != "api_key"

    def required(self) -> tuple[str, ...]:
        return ("changelly.private_key",) if self._signed else ("changelly.api_key",)

    def optional(self) -> tuple[str, ...]:
        return ("changelly.api_key",) if self._signed else ()

    def build(self, secrets: dict[str, SecretStr | None]) -> ChangellyClient:
        from a2a_tui.providers.changelly.client import ChangellyClient

        return ChangellyClient(
            self.context.base_url,
            api_key=secrets.get("changelly.api_key"),
            private_key=secrets.get("changelly.private_key"),
            mode="signed" if self._signed else "api_key",
            timeouts=self.context.timeouts,
        )

    async def quotes(
        self, client: ChangellyClient, spec: QuoteSpec, pair: Pair
    ) -> AsyncIterator[Event]:
        from a2a_tui.providers.changelly.models import QuoteRequest

        src, dst = pair.src.changelly, pair.dst.changelly
        assert src is not None
        assert dst is not None
        request = QuoteRequest.model_validate(
            {
                "from": _ref(src),
                "to": _ref(dst),
                "amount": self.amount_for(spec, pair.src),
                "slippage_bps": max(0, min(10_000, round(spec.slippage * 10_000))),
            }
        )
        wire = await client.quote(request)
        yield to_quote(wire, spec, pair, self.context.assets(), now=self.context.wall_clock())


def _symbol(assets: AssetRegistry, fee: FeeInfo) -> str:
    for asset in assets.for_provider(SOURCE_ID):
        own = asset.changelly
        if own is not None and fee.token_id is not None and own.token_id == fee.token_id:
            return asset.symbol
    if fee.token_id is not None:
        return f"token {fee.token_id}"
    return inert(fee.contract_address or "", limit=16)


def _same(asked: ChangellyAsset, token_id: int | None, contract: str | None) -> bool:
    if asked.token_id is not None and token_id is not None:
        return asked.token_id == token_id
    if asked.contract_address and contract:
        return asked.contract_address.lower() == contract.lower()
    return True  # nothing to tell them apart by: taken as asked


def to_quote(
    wire: Wire, spec: QuoteSpec, pair: Pair, assets: AssetRegistry, *, now: datetime
) -> Quote:
    dst = pair.dst.changelly
    assert dst is not None
    decimals = (
        wire.to.decimals if wire.to.decimals is not None else pair.dst.decimals_for(SOURCE_ID)
    )
    out = wire.to.amount
    fees, bps = [], Decimal(0)
    for label, fee in (("Changelly", wire.fees.changelly), ("affiliate", wire.fees.affiliate)):
        if fee is None:
            continue
        rate = None if fee.bps is None else Decimal(fee.bps)
        bps += rate or 0
        fees.append(FeeLine(label, units=fee.amount, decimals=fee.decimals,
                            symbol=_symbol(assets, fee), bps=rate))  # fmt: skip
    expires = wire.expires
    other = not _same(dst, wire.to.token_id, wire.to.contract_address)
    return Quote(
        source=SOURCE_ID,
        route_id=None,
        name="Changelly",
        out_amount=out,
        out_usd=usd_value(out, decimals, spec.dst.usd_price),
        fee_pct=bps / 100 if fees else None,
        out_decimals=decimals,
        asset=AssetId.of(spec.dst.chain.key, wire.to.contract_address or "?") if other else None,
        asset_label=(f"Changelly token {wire.to.token_id}" if other else ""),
        min_out=wire.to.min_amount,
        fees=tuple(fees),
        expires_at=expires,
        valid_for=None if expires is None else (expires - now).total_seconds(),
        wire=wire.model_dump(mode="json", by_alias=True),
    )
