"""Pydantic models of Swapscanner's Quote v2, field for field.

The request is the guide's ``QuoteRequestV2`` message minus ``issuedAt``
(the client stamps it when it signs). The response mirrors the guide's
"Response Body"; ``priceImpact`` and ``fraction`` are JSON numbers, held as
exact ``Decimal`` (read from the JSON text, never through a float).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from a2a_tui.providers.http.wire import Dec, Units

__all__ = [
    "ZERO_ADDRESS",
    "EthTx",
    "Fee",
    "FeeAmount",
    "InputInfo",
    "KlayTx",
    "KlipTx",
    "OutputInfo",
    "PathStep",
    "Quote",
    "QuoteError",
    "QuoteOutput",
    "QuoteRequest",
    "QuoteResponse",
    "Route",
    "SubPath",
    "TxBundle",
    "Txs",
]

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
_ADDRESS = r"^0x[0-9a-fA-F]{40}$"


class _Wire(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)


class QuoteRequest(_Wire):
    slippage: int = Field(ge=0, le=10_000)  # basis points: 100 = 1 %
    from_: str = Field(alias="from", pattern=_ADDRESS)
    to: str = Field(pattern=_ADDRESS)
    token_in_address: str = Field(alias="tokenInAddress", pattern=_ADDRESS)
    token_out_address: str = Field(alias="tokenOutAddress", pattern=_ADDRESS)
    amount: Units
    #: 0: no referrer fee, 1: taken from tokenIn, 2: from tokenOut.
    referrer_fee_token: Literal[0, 1, 2] = Field(0, alias="referrerFeeToken")
    referrer_fee: int = Field(0, alias="referrerFee", ge=0, le=65_535)  # basis points
    referrer_fee_to: str = Field(ZERO_ADDRESS, alias="referrerFeeTo", pattern=_ADDRESS)
    pay_with_scnr: bool = Field(False, alias="payWithSCNR")

    def message(self, issued_at: int) -> dict[str, int | str | bool]:
        """The QuoteRequestV2 message to sign, addresses lowercase as the guide's example."""
        return {
            "issuedAt": issued_at,
            "slippage": self.slippage,
            "from": self.from_.lower(),
            "to": self.to.lower(),
            "tokenInAddress": self.token_in_address.lower(),
            "tokenOutAddress": self.token_out_address.lower(),
            "amount": self.amount,
            "referrerFeeToken": self.referrer_fee_token,
            "referrerFee": self.referrer_fee,
            "referrerFeeTo": self.referrer_fee_to.lower(),
            "payWithSCNR": self.pay_with_scnr,
        }


class InputInfo(_Wire):
    address: str
    balance: Units
    amount: Units


class OutputInfo(_Wire):
    address: str
    balance: Units


class QuoteOutput(_Wire):
    recipient: str
    estimated_amount_deducting_fee: Units = Field(alias="estimatedAmountDeductingFee")
    minimum_amount: Units = Field(alias="minimumAmount")


class FeeAmount(_Wire):
    address: str
    amount: Units


class Fee(_Wire):
    type: str  # "referrer" or "swapscanner"
    fee: FeeAmount
    recipient: str | None = None


class SubPath(_Wire):
    exchange: str
    fraction: Dec


class PathStep(_Wire):
    token: str
    sub_paths: list[SubPath] = Field(default_factory=list, alias="subPaths")


class Route(_Wire):
    path: list[PathStep] = Field(default_factory=list)


class EthTx(_Wire):
    from_: str = Field(alias="from")
    to: str
    data: str | None = None
    value: str
    type: str
    max_priority_fee_per_gas: str | None = Field(None, alias="maxPriorityFeePerGas")
    max_fee_per_gas: str | None = Field(None, alias="maxFeePerGas")


class KlayTx(_Wire):
    from_: str = Field(alias="from")
    to: str
    data: str | None = None
    value: str
    type: str
    gas_price: str | None = Field(None, alias="gasPrice")


class KlipTx(_Wire):
    bapp_name: str = Field(alias="bappName")
    from_: str = Field(alias="from")
    to: str
    value: str
    abi: str
    params: str


class Txs(_Wire):
    eth: EthTx | None = None
    klay: KlayTx | None = None
    klip: KlipTx | None = None


class TxBundle(_Wire):
    type: str  # "swap" or "approve"
    txs: Txs


class QuoteError(_Wire):
    """A precondition of the swap (``insufficient_input_token_balance``...): the
    quote stands, but the swap may revert until it is addressed."""

    message: str
    tx: TxBundle | None = None


class Quote(_Wire):
    price_impact: Dec = Field(alias="priceImpact")
    output: QuoteOutput
    fees: list[Fee] = Field(default_factory=list)
    routing: list[Route] = Field(default_factory=list)
    errors: list[QuoteError] = Field(default_factory=list)
    swap_tx: TxBundle = Field(alias="swapTx")


class QuoteResponse(_Wire):
    input: InputInfo
    output: OutputInfo
    quote: Quote

    def fee(self, kind: str) -> FeeAmount | None:
        return next((f.fee for f in self.quote.fees if f.type == kind), None)

    @property
    def exchanges(self) -> list[str]:
        """The exchanges used, in route order, each once."""
        names: dict[str, None] = {}
        for route in self.quote.routing:
            for step in route.path:
                for sub in step.sub_paths:
                    names.setdefault(sub.exchange, None)
        return list(names)
