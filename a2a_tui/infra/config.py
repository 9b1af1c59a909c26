"""Non-secret settings: a TOML file, environment overrides, safe writes.

The file lives at ``platformdirs``' config path (``a2a-tui config path``;
``$A2A_TUI_CONFIG`` points elsewhere). Environment variables override it:
``A2A_TUI_<SECTION>__<KEY>`` (``A2A_TUI_QUOTE__DEFAULT_SLIPPAGE=0.5%``,
``A2A_TUI_PROFILES__STAGING__BASE_URL=...``), plus two shortcuts,
``A2A_TUI_PROFILE`` and ``A2A_TUI_BASE_URL`` (the active profile's host).

A broken file never stops the app: a syntax error names the line and column
and the file is ignored; a bad value names its line and key and only that
key falls back to its default. Writes go through tomlkit so the user's
comments and ordering survive, and land atomically.

Secrets never live here: see `a2a_tui.infra.keystore`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from a2a_tui.domain.amounts import SlippageError, parse_slippage

__all__ = [
    "ENV_PREFIX",
    "LoadedSettings",
    "Settings",
    "check_setting",
    "config_path",
    "load_settings",
    "save_setting",
    "screenshot_dir",
]

ENV_PREFIX = "A2A_TUI_"
DEFAULT_BASE_URL = "http://127.0.0.1:8787"


def _flag(value: object) -> bool:
    """A TOML boolean and nothing else: ``auto_refresh = "yes"`` was silently true.
    (Environment variables are strings: they are read as booleans on the way in.)"""
    if not isinstance(value, bool):
        raise ValueError("must be true or false, a TOML boolean (no quotes)")
    return value


#: A setting that is on or off: strict, so a quoted word is a problem, not a guess.
Flag = Annotated[bool, BeforeValidator(_flag)]

_ENV_TRUE, _ENV_FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


def _env_value(data: dict[str, Any], path: tuple[str, ...], value: str) -> Any:
    """An environment string for a boolean setting becomes a boolean when it reads
    as one (``A2A_TUI_PROVIDERS__OKX__ENABLED=true``); anything else stays as given."""
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, bool):
        word = value.strip().lower()
        return True if word in _ENV_TRUE else False if word in _ENV_FALSE else value
    return value


def _url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise ValueError("must be an http:// or https:// URL")
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Profile(_Section):
    base_url: str
    """The Any2Any host this profile talks to."""

    _check_url = field_validator("base_url")(_url)


class QuoteSettings(_Section):
    default_slippage: str = "1%"
    """Slippage the form starts with: ``0.5%`` or ``0.005``."""
    auto_refresh: Flag = False
    """Re-quote by itself whenever the board turns stale (10 s)."""

    @field_validator("default_slippage")
    @classmethod
    def _slippage(cls, value: str) -> str:
        try:
            parse_slippage(value)
        except SlippageError as exc:
            raise ValueError(str(exc)) from None
        return value


class TimeoutSettings(_Section):
    connect: float = Field(5.0, gt=0)
    read: float = Field(15.0, gt=0)
    write: float = Field(10.0, gt=0)
    stream_budget: float = Field(65.0, gt=0)
    """A quote stream without ``done`` by then is reported incomplete."""


class UiSettings(_Section):
    theme: str = "textual-dark"
    screenshot_dir: str | None = None
    """Where the palette's Screenshot saves (``~`` allowed; created when missing).
    Unset: see `screenshot_dir`."""

    @field_validator("screenshot_dir")
    @classmethod
    def _folder(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must be a folder path (or left out for the default)")
        return value


def _evm_address(value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"0x[0-9a-fA-F]{40}", value.strip()):
        raise ValueError("must be an EVM address (0x and 40 hex digits)")
    return None if value is None else value.strip()


class ProviderSettings(_Section):
    enabled: Flag = False
    """Ask this provider for quotes beside Any2Any."""
    base_url: str
    """Where the provider lives (``a2a-tui sim`` prints its simulator's)."""

    _check_url = field_validator("base_url")(_url)


class OkxSettings(ProviderSettings):
    base_url: str = "https://web3.okx.com"
    slippage_percent: Decimal | None = Field(None, ge=0, le=100)
    """``slippagePercent`` (0.5 = 0.5 %); unset: the quote's own slippage."""
    fee_percent: Decimal | None = Field(None, gt=0, le=10)
    """``feePercent``: your referrer commission from the sold token (at most 3, Solana 10)."""
    from_token_referrer_wallet_address: str | None = None
    """Where ``fee_percent`` goes (``fromTokenReferrerWalletAddress``)."""
    dex_ids: list[str] = Field(default_factory=list)
    """``dexIds``: quote through these liquidity sources only."""
    exclude_dex_ids: list[str] = Field(default_factory=list)
    """``excludeDexIds``: never route through these."""
    price_impact_protection_percent: Decimal | None = Field(None, ge=0, le=100)
    """``priceImpactProtectionPercent`` (OKX's default 90; 100 turns it off)."""

    _check_wallet = field_validator("from_token_referrer_wallet_address")(_evm_address)


class SwapscannerSettings(ProviderSettings):
    base_url: str = "https://api.swapscanner.io"
    wallet_address: str | None = None
    """The ``from``/``to`` wallet of a quote; unset: the referrer signer's address."""
    referrer_fee_token: Literal[0, 1, 2] = 0
    """0: no referrer fee, 1: taken from the sold token, 2: from the bought one."""
    referrer_fee_bps: int = Field(0, ge=0, le=65_535)
    """``referrerFee`` in basis points (10 = 0.1 %)."""
    referrer_fee_to: str | None = None
    """``referrerFeeTo``: where the referrer fee goes."""
    pay_with_scnr: Flag = False
    """``payWithSCNR``: pay Swapscanner's fee in SCNR (20 % off)."""

    _check_wallets = field_validator("wallet_address", "referrer_fee_to")(_evm_address)


class ChangellySettings(ProviderSettings):
    base_url: str = "https://dex-api.changelly.com"
    auth: Literal["signed", "api_key"] = "signed"
    """``signed``: RSA-signed requests (the private key); ``api_key``: the
    affiliate form, x-api-key alone."""


class SwapKitSettings(ProviderSettings):
    base_url: str = "https://api.swapkit.dev"
    providers: list[str] = Field(default_factory=list)
    """Only these liquidity providers (``THORCHAIN``, ``CHAINFLIP``...); empty: all."""
    affiliate_fee_bps: int | None = Field(None, ge=0, le=1000)
    """``affiliateFee`` override; unset: the key's dashboard tiers."""
    cf_boost: Flag = False
    """``cfBoost``: Chainflip boost."""
    max_execution_time: int | None = Field(None, gt=0)
    """``maxExecutionTime`` in seconds: slower routes are left out."""
    rate_limit_per_minute: int = Field(10, ge=1)
    """The key's budget (new keys: 10); the app never sends more."""


class Providers(_Section):
    okx: OkxSettings = OkxSettings()
    swapscanner: SwapscannerSettings = SwapscannerSettings()
    changelly: ChangellySettings = ChangellySettings()
    swapkit: SwapKitSettings = SwapKitSettings()


class SecretSettings(_Section):
    backend: str | None = None
    """A keyring backend chosen explicitly by dotted path (for example
    ``keyrings.cryptfile.cryptfile.CryptFileKeyring``); required for any
    backend a2a-tui does not already trust."""
    allow_plaintext: Flag = False
    """Also accept a backend that stores secrets unencrypted. Off: keyring
    picks keyrings.alt's PlaintextKeyring by itself when it is installed."""


class Settings(_Section):
    profile: str = "default"
    profiles: dict[str, Profile] = Field(
        default_factory=lambda: {"default": Profile(base_url=DEFAULT_BASE_URL)}
    )
    quote: QuoteSettings = QuoteSettings()
    timeouts: TimeoutSettings = TimeoutSettings()
    ui: UiSettings = UiSettings()
    providers: Providers = Providers()
    assets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Extra or corrected rows of the token registry, by ``SYMBOL@chain``
    (``a2a_tui/providers/assets.toml`` has the format)."""
    secrets: SecretSettings = SecretSettings()
    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id to keys, e.g. ``"quote.requote" = "f5"`` (ids: the README)."""

    @property
    def base_url(self) -> str:
        profile = self.profiles.get(self.profile)
        return profile.base_url if profile is not None else DEFAULT_BASE_URL


@dataclass
class LoadedSettings:
    settings: Settings
    path: Path | None
    """None: settings that are never saved (the demo, tests)."""
    problems: list[str] = field(default_factory=list)
    """Human sentences: what was wrong and what was used instead."""
    from_env: list[str] = field(default_factory=list)
    """Dotted keys set from the environment."""


def screenshot_dir(settings: Settings) -> Path:
    """``[ui] screenshot_dir``, else the pictures folder's ``a2a-tui`` when that
    folder exists (a desktop), else the data folder's ``screenshots``
    (``$A2A_TUI_DATA_DIR`` when set, as for the journal; a headless
    box has no ~/Pictures, and Textual's default, ~/Downloads, is missing too)."""
    if settings.ui.screenshot_dir:
        return Path(settings.ui.screenshot_dir.strip()).expanduser()
    from platformdirs import user_pictures_path

    from a2a_tui.infra.journal import data_dir  # the app's one data-directory rule

    pictures = user_pictures_path()
    if pictures.is_dir() and pictures != Path.home():
        return pictures / "a2a-tui"
    return data_dir() / "screenshots"


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get(f"{ENV_PREFIX}CONFIG"):
        return Path(env[f"{ENV_PREFIX}CONFIG"]).expanduser()
    from platformdirs import user_config_path

    return user_config_path("a2a-tui") / "config.toml"


def _env_overrides(env: Mapping[str, str]) -> dict[tuple[str, ...], str]:
    overrides: dict[tuple[str, ...], str] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name == f"{ENV_PREFIX}CONFIG":
            continue
        rest = name[len(ENV_PREFIX) :]
        if rest == "BASE_URL":
            overrides[("@base_url",)] = value
        elif rest == "PROFILE" or "__" in rest:
            path = tuple(part.lower() for part in rest.split("__"))
            if path[0] in Settings.model_fields:
                overrides[path] = value
    return overrides


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` over ``base``, table by table: a partial section keeps the
    defaults it does not mention."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = _merged(result[key], value)
        else:
            result[key] = value
    return result


def _set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[path[-1]] = value


def _drop_path(data: dict[str, Any], path: tuple[str | int, ...]) -> None:
    node: Any = data
    for part in path[:-1]:
        if not isinstance(node, dict) or part not in node:
            return
        node = node[part]
    if isinstance(node, dict):
        node.pop(path[-1], None)


def _line_of(text: str, path: tuple[str | int, ...]) -> int | None:
    """Where a key sits in the file: its table header, then ``key =``."""
    keys = [str(p) for p in path]
    table: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", line)
        if header:
            table = [part.strip().strip('"') for part in header.group(1).split(".")]
            continue
        key = re.match(r'"?([^"=\s]+)"?\s*=', line)
        if key and [*table, key.group(1)] == keys:
            return number
    return None


def load_settings(env: Mapping[str, str] | None = None) -> LoadedSettings:
    env = os.environ if env is None else env
    path = config_path(env)
    loaded = LoadedSettings(Settings(), path)
    text, data = "", {}
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError) as exc:
            loaded.problems.append(f"{path}: cannot read it ({exc}); using defaults")
        except tomllib.TOMLDecodeError as exc:
            loaded.problems.append(f"{path}: {exc}; the file is ignored, using defaults")
            data = {}
    data = _merged(Settings().model_dump(), data)  # defaults, then the file, then the env
    overrides = _env_overrides(env)
    for key, value in overrides.items():
        if key == ("@base_url",):
            continue
        _set_path(data, key, _env_value(data, key, value))
        loaded.from_env.append(".".join(key))
    if ("@base_url",) in overrides:
        profile = str(data.get("profile", "default"))
        _set_path(data, ("profiles", profile, "base_url"), overrides[("@base_url",)])
        loaded.from_env.append(f"profiles.{profile}.base_url")
    said: dict[str, int] = {}  # dotted key -> its problem's index
    for _ in range(20):  # each round drops the keys that failed, keeping the rest
        try:
            loaded.settings = Settings.model_validate(data)
            break
        except ValidationError as exc:
            for error in exc.errors():
                where = tuple(error["loc"])
                dotted = ".".join(str(p) for p in where)
                line = _line_of(text, where) if dotted not in loaded.from_env else None
                source = f"{path}, line {line}" if line else (
                    f"${ENV_PREFIX}{'__'.join(str(p).upper() for p in where)}"
                    if dotted in loaded.from_env else str(path)
                )  # fmt: skip
                # a missing required field spoils its container (a profile without a URL)
                missing = error["type"] == "missing"
                _drop_path(data, where[:-1] if missing else where)
                container = ".".join(str(p) for p in where[:-1])
                if missing and dotted in said:  # dropped a round ago for being invalid
                    index = said[dotted]
                    head = loaded.problems[index].rsplit("; ", 1)[0]
                    loaded.problems[index] = f"{head}; [{container}] is ignored without it"
                    continue
                said[dotted] = len(loaded.problems)
                loaded.problems.append(f"{source}: {dotted}: {_problem(error, container)}")
    if loaded.settings.profile not in loaded.settings.profiles:
        loaded.problems.append(
            f"profile {loaded.settings.profile!r} is not defined; using {DEFAULT_BASE_URL}"
        )
    return loaded


def _problem(error: Any, container: str) -> str:
    """pydantic's message in the config's words: no "Value error," prefix, and what
    happens to the setting."""
    match error["type"]:
        case "extra_forbidden":
            return "not a setting a2a-tui knows (a typo?); ignored"
        case "missing":
            return f"required; [{container}] is ignored without it"
        case "value_error":
            cause = (error.get("ctx") or {}).get("error")
            message = str(cause) if cause is not None else str(error["msg"])
            return f"{message.removeprefix('Value error, ')}; using the default"
    return f"{error['msg']}; using the default"


def save_setting(path: Path, key: str, value: str | bool | float) -> None:
    """Set one dotted key in the file, keeping every comment and the order."""
    import tomlkit

    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    document = tomlkit.parse(text)
    parts = key.split(".")
    node: Any = document
    for part in parts[:-1]:
        if part not in node:
            node[part] = tomlkit.table()
        node = node[part]
    node[parts[-1]] = value
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(tomlkit.dumps(document), encoding="utf-8")
    os.replace(temporary, path)


def check_setting(settings: Settings, key: str, value: str | bool | float) -> Settings:
    """``settings`` with one dotted key changed, validated as the next start would
    read it; raises ValueError with a sentence naming the key."""
    data = settings.model_dump()
    _set_path(data, tuple(key.split(".")), value)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        said = _problem(first, "").rsplit("; ", 1)[0]
        raise ValueError(f"{key}: {said}") from None
