"""The token registry: each asset and how every direct provider names it.

It ships as ``assets.toml`` beside this module and can be extended or
corrected from the user's config (``[assets."SYMBOL@chain"]``, same shape).
Pure: the caller passes the config's table; bad user rows are reported and
left out, never fatal. Provider-specific identifiers stay plain data here;
each provider's adapter turns its own into request parameters.
"""

from __future__ import annotations

import re
import threading
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "PROVIDER_IDS",
    "Asset",
    "AssetRegistry",
    "ChangellyAsset",
    "LazyRegistry",
    "OkxAsset",
    "SwapKitAsset",
    "SwapscannerAsset",
    "load_registry",
]

#: The providers an asset row may name.
PROVIDER_IDS = ("okx", "swapkit", "changelly", "swapscanner")
_KEY = re.compile(r"[^@\s]+@[a-z0-9_-]+")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OkxAsset(_Row):
    chain_index: str = Field(pattern=r"^\d+$")
    address: str = Field(min_length=1)
    decimals: int | None = Field(None, ge=0, le=36)


class SwapKitAsset(_Row):
    id: str = Field(pattern=r"^[A-Z0-9]+\.[^.\s]+$")
    decimals: int | None = Field(None, ge=0, le=36)


class ChangellyAsset(_Row):
    token_id: int | None = None
    network_id: int | None = None
    contract_address: str | None = None
    decimals: int | None = Field(None, ge=0, le=36)

    @model_validator(mode="after")
    def _addressable(self) -> ChangellyAsset:
        if self.token_id is None and (self.network_id is None or not self.contract_address):
            raise ValueError("give token_id, or network_id and contract_address")
        return self


class SwapscannerAsset(_Row):
    address: str = Field(pattern=r"^0x[0-9a-fA-F]{40}$")
    decimals: int | None = Field(None, ge=0, le=36)


class Asset(_Row):
    """One asset. ``key`` is ``SYMBOL@chain``; ``contract`` None is the native coin."""

    key: str
    symbol: str = Field(min_length=1)
    name: str = ""
    chain: str = Field(pattern=r"^[a-z0-9_-]+$")
    decimals: int = Field(ge=0, le=36)
    contract: str | None = None
    okx: OkxAsset | None = None
    swapkit: SwapKitAsset | None = None
    changelly: ChangellyAsset | None = None
    swapscanner: SwapscannerAsset | None = None

    def decimals_for(self, provider: str) -> int:
        """The decimals that provider counts this asset in (usually the asset's)."""
        own = getattr(self, provider, None) if provider in PROVIDER_IDS else None
        theirs = getattr(own, "decimals", None)
        return self.decimals if theirs is None else int(theirs)

    @property
    def providers(self) -> tuple[str, ...]:
        return tuple(p for p in PROVIDER_IDS if getattr(self, p) is not None)


@dataclass
class AssetRegistry:
    assets: dict[str, Asset] = field(default_factory=dict)
    #: Sentences about rows that were left out, naming the row and the field.
    problems: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Asset]:
        return iter(self.assets.values())

    def __len__(self) -> int:
        return len(self.assets)

    def get(self, key: str) -> Asset | None:
        return self.assets.get(key)

    def find(self, chain: str, contract: str | None) -> Asset | None:
        """By chain key and contract (None: the native coin); EVM hex case-insensitive."""
        wanted = contract.lower() if contract and contract.startswith("0x") else contract
        for asset in self.assets.values():
            mine = asset.contract
            mine = mine.lower() if mine and mine.startswith("0x") else mine
            if asset.chain == chain and mine == wanted:
                return asset
        return None

    def for_provider(self, provider: str) -> list[Asset]:
        return [a for a in self.assets.values() if getattr(a, provider, None) is not None]


def _shipped() -> dict[str, Any]:
    text = resources.files("a2a_tui.providers").joinpath("assets.toml").read_text("utf-8")
    rows = tomllib.loads(text).get("assets", {})
    assert isinstance(rows, dict)
    return rows


def _where(error: ValidationError) -> str:
    first = error.errors()[0]
    path = ".".join(str(part) for part in first["loc"])
    return f"{path}: {first['msg']}" if path else first["msg"]


def load_registry(
    extra: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    shipped: Mapping[str, Mapping[str, Any]] | None = None,
) -> AssetRegistry:
    """The shipped rows, then ``extra`` (the config's ``[assets]``) over them.

    A row for a known key replaces only the fields it names (a provider's
    table as a whole); a new key must be a complete row.
    """
    registry = AssetRegistry()
    base = _shipped() if shipped is None else shipped
    for source, rows in (("assets.toml", base), ("config [assets]", extra or {})):
        for key, row in rows.items():
            where = f"{source}: assets.{key!r}"
            if not _KEY.fullmatch(key) or not isinstance(row, Mapping):
                registry.problems.append(f'{where}: a row is [assets."SYMBOL@chain"], a table')
                continue
            known = registry.assets.get(key)
            data = {**(known.model_dump(exclude_none=True) if known else {}), **row, "key": key}
            try:
                asset = Asset.model_validate(data)
            except ValidationError as exc:
                registry.problems.append(f"{where}: {_where(exc)}; the row is left out")
                continue
            if asset.chain != key.rpartition("@")[2]:
                registry.problems.append(f"{where}: chain {asset.chain!r} is not the key's")
                continue
            registry.assets[key] = asset
    return registry


class LazyRegistry:
    """The registry, loaded on the first call (from any thread), then kept.

    Loading validates every row (tens of milliseconds): the backend warms it
    on a worker thread while the token list is on its way, so neither the
    first paint nor the first quote waits for it.
    """

    def __init__(self, extra: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self._extra = dict(extra or {})
        self._lock = threading.Lock()
        self._loaded: AssetRegistry | None = None

    def __call__(self) -> AssetRegistry:
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = load_registry(self._extra)
        return self._loaded
