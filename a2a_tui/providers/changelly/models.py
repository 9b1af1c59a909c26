"""Pydantic models of Changelly's ``POST /v1/quotes/``, field for field.

Amounts are integers in the token's smallest units (the guide's sample:
``"1000000"`` of a 6-decimal token); the request sends them as strings, as
its table says ("Decimals in string"). ``expires_at`` is a timestamp whose
sample has 16 digits: microseconds since the epoch.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from a2a_tui.providers.http.wire import Units

__all__ = ["FeeInfo", "Fees", "Quote", "QuoteFrom", "QuoteRequest", "QuoteTo", "TokenRef"]


def _id_text(value: Any) -> str:
    """The guide's table says Number, its sample a UUID string: keep it as text."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("expected a quote id")
    return str(value)


class _Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


class TokenRef(_Wire):
    """A token by Changelly's ``token_id``, or by ``network_id`` + ``contract_address``."""

    token_id: int | None = None
    network_id: int | None = None
    contract_address: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> TokenRef:
        if self.token_id is None and (self.network_id is None or not self.contract_address):
            raise ValueError("give token_id, or network_id and contract_address")
        return self


class QuoteRequest(_Wire):
    from_: TokenRef = Field(alias="from")
    to: TokenRef
    amount: Units
    slippage_bps: int | None = Field(None, ge=0, le=10_000)

    def body(self) -> dict[str, Any]:
        """The JSON body: unset fields left out, amount and slippage_bps as strings."""
        body = self.model_dump(by_alias=True, mode="json", exclude_none=True)
        if self.slippage_bps is not None:
            body["slippage_bps"] = str(self.slippage_bps)
        return body


class QuoteFrom(_Wire):
    network_id: int | None = None
    contract_address: str | None = None
    token_id: int | None = None
    address: str | None = None  # the sender
    amount: Units
    decimals: int


class QuoteTo(_Wire):
    network_id: int | None = None
    contract_address: str | None = None
    token_id: int | None = None
    min_amount: Units
    amount: Units
    decimals: int | None = None


class FeeInfo(_Wire):
    network_id: int | None = None
    contract_address: str | None = None
    token_id: int | None = None
    decimals: int | None = None
    amount: Units | None = None
    bps: int | None = None  # a string on the wire: "100"


class Fees(_Wire):
    changelly: FeeInfo | None = None
    affiliate: FeeInfo | None = None


class Quote(_Wire):
    id: Annotated[str, BeforeValidator(_id_text)]
    from_: QuoteFrom = Field(alias="from")
    to: QuoteTo
    slippage_bps: int | None = None
    expires_at: int | None = None
    fees: Fees

    @property
    def expires(self) -> datetime | None:
        """``expires_at`` as a moment; read by magnitude (µs as in the sample, else ms or s)."""
        if self.expires_at is None:
            return None
        stamp = self.expires_at
        seconds = stamp / 1e6 if stamp > 10**14 else stamp / 1e3 if stamp > 10**11 else stamp
        return datetime.fromtimestamp(seconds, UTC)
