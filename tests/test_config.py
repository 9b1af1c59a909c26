"""The settings file: defaults, environment overrides, honest errors, careful writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from a2a_tui.infra.config import DEFAULT_BASE_URL, config_path, load_settings, save_setting

CONFIG = """\
# my a2a-tui settings
profile = "staging"   # switch back to default for local work

[profiles.default]
base_url = "http://127.0.0.1:8787"

[profiles.staging]
base_url = "https://staging.any2any.example/"

[quote]
default_slippage = "0.5%"
auto_refresh = true

[timeouts]
connect = 3

[keymap]
"quote.requote" = "f5"
"""


def env_for(tmp_path: Path, text: str | None = CONFIG, **extra: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    return {"A2A_TUI_CONFIG": str(path), **extra}


def test_no_file_means_defaults(tmp_path: Path) -> None:
    loaded = load_settings(env_for(tmp_path, None))
    assert loaded.problems == []
    assert loaded.settings.base_url == DEFAULT_BASE_URL
    assert loaded.settings.quote.default_slippage == "1%"
    assert loaded.settings.timeouts.stream_budget == 65.0


def test_file_values_and_the_active_profile(tmp_path: Path) -> None:
    loaded = load_settings(env_for(tmp_path))
    settings = loaded.settings
    assert loaded.problems == []
    assert settings.base_url == "https://staging.any2any.example"  # trailing slash dropped
    assert settings.quote.default_slippage == "0.5%"
    assert settings.quote.auto_refresh is True
    assert settings.timeouts.connect == 3.0
    assert settings.timeouts.read == 15.0  # untouched keys keep their defaults
    assert settings.keymap == {"quote.requote": "f5"}


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    env = env_for(
        tmp_path,
        A2A_TUI_PROFILE="default",
        A2A_TUI_QUOTE__DEFAULT_SLIPPAGE="0.003",
        A2A_TUI_PROVIDERS__OKX__ENABLED="true",
        A2A_TUI_PROFILES__LOCAL__BASE_URL="http://127.0.0.1:9999",
        A2A_TUI_OKX_API_KEY="not-a-setting",  # a secret's variable is not a setting
    )
    loaded = load_settings(env)
    assert loaded.problems == []
    assert loaded.settings.profile == "default"
    assert loaded.settings.base_url == "http://127.0.0.1:8787"
    assert loaded.settings.quote.default_slippage == "0.003"
    assert loaded.settings.providers.okx.enabled is True
    assert loaded.settings.profiles["local"].base_url == "http://127.0.0.1:9999"
    assert set(loaded.from_env) == {
        "profile",
        "quote.default_slippage",
        "providers.okx.enabled",
        "profiles.local.base_url",
    }


def test_base_url_shortcut_overrides_the_active_profile(tmp_path: Path) -> None:
    loaded = load_settings(env_for(tmp_path, A2A_TUI_BASE_URL="http://127.0.0.1:7000"))
    assert loaded.settings.base_url == "http://127.0.0.1:7000"
    assert loaded.settings.profiles["default"].base_url == "http://127.0.0.1:8787"


def test_a_syntax_error_names_line_and_column_and_starts_on_defaults(tmp_path: Path) -> None:
    broken = CONFIG.replace("auto_refresh = true", "auto_refresh = tru")
    loaded = load_settings(env_for(tmp_path, broken))
    assert len(loaded.problems) == 1
    problem = loaded.problems[0]
    assert str(tmp_path / "config.toml") in problem
    assert "line 12" in problem
    assert "using defaults" in problem
    assert loaded.settings.base_url == DEFAULT_BASE_URL


def test_a_bad_value_names_line_and_key_and_only_that_key_falls_back(tmp_path: Path) -> None:
    bad = CONFIG.replace('default_slippage = "0.5%"', 'default_slippage = "150%"').replace(
        "connect = 3", 'connect = "soon"'
    )
    loaded = load_settings(env_for(tmp_path, bad))
    problems = "\n".join(loaded.problems)
    assert "config.toml, line 11: quote.default_slippage" in problems
    assert "between 0 and 1" in problems
    assert "config.toml, line 15: timeouts.connect" in problems
    settings = loaded.settings
    assert settings.quote.default_slippage == "1%"  # the default...
    assert settings.quote.auto_refresh is True  # ...and its neighbours kept
    assert settings.timeouts.connect == 5.0
    assert settings.base_url == "https://staging.any2any.example"


def test_unknown_keys_and_broken_profiles_are_reported(tmp_path: Path) -> None:
    text = CONFIG + '\n[profiles.broken]\nurl = "x"\n\n[ui]\ncolour = "red"\n'
    loaded = load_settings(env_for(tmp_path, text))
    problems = "\n".join(loaded.problems)
    assert "ui.colour: not a setting a2a-tui knows (a typo?); ignored" in problems
    assert "profiles.broken.url: not a setting a2a-tui knows (a typo?); ignored" in problems
    assert "profiles.broken.base_url: required; [profiles.broken] is ignored without it" in (
        problems
    )
    assert "broken" not in loaded.settings.profiles


def test_config_problems_are_said_in_the_configs_words(tmp_path: Path) -> None:
    """pydantic's words leaked: "Value error, must be …", "Extra inputs are not
    permitted", and an invalid profile URL was reported twice (the second time as
    "Field required"), with "using the default" where no default exists."""
    text = CONFIG + '\n[profiles.x]\nbase_url = "ftp://nope here"\n'
    problems = load_settings(env_for(tmp_path, text)).problems
    (said,) = [p for p in problems if "profiles.x" in p]
    assert said.endswith(
        "profiles.x.base_url: must be an http:// or https:// URL; "
        "[profiles.x] is ignored without it"
    )
    assert not any("Value error" in p or "Field required" in p for p in problems)


def test_a_bad_environment_value_names_its_variable(tmp_path: Path) -> None:
    loaded = load_settings(env_for(tmp_path, A2A_TUI_TIMEOUTS__READ="-1"))
    assert any("$A2A_TUI_TIMEOUTS__READ" in p for p in loaded.problems)
    assert loaded.settings.timeouts.read == 15.0


def test_an_unknown_profile_falls_back(tmp_path: Path) -> None:
    loaded = load_settings(env_for(tmp_path, A2A_TUI_PROFILE="nope"))
    assert any("profile 'nope' is not defined" in p for p in loaded.problems)
    assert loaded.settings.base_url == DEFAULT_BASE_URL


def test_writing_keeps_comments_and_order(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    save_setting(path, "quote.default_slippage", "0.2%")
    save_setting(path, "ui.theme", "textual-light")
    save_setting(path, "profiles.staging.base_url", "https://new.example")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# my a2a-tui settings\n")
    assert "# switch back to default for local work" in text
    assert 'default_slippage = "0.2%"' in text
    assert text.index("[quote]") < text.index("[timeouts]") < text.index("[ui]")
    loaded = load_settings({"A2A_TUI_CONFIG": str(path)})
    assert loaded.settings.ui.theme == "textual-light"
    assert loaded.settings.base_url == "https://new.example"
    assert not list(tmp_path.glob("*.tmp"))


def test_writing_creates_the_file_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_setting(path, "quote.auto_refresh", True)
    assert load_settings({"A2A_TUI_CONFIG": str(path)}).settings.quote.auto_refresh is True


def test_the_path_follows_platformdirs_unless_told(tmp_path: Path) -> None:
    assert config_path({"A2A_TUI_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"
    default = config_path({})
    assert default.name == "config.toml"
    assert "a2a-tui" in default.parts


@pytest.mark.parametrize("url", ["ftp://x", "not a url", "http://", "https://a b"])
def test_base_urls_must_be_http(tmp_path: Path, url: str) -> None:
    loaded = load_settings(env_for(tmp_path, f'[profiles.default]\nbase_url = "{url}"\n'))
    assert any("must be an http:// or https:// URL" in p for p in loaded.problems)


PROVIDERS = """\
[providers.okx]
enabled = true
fee_percent = 0.25
from_token_referrer_wallet_address = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4"
dex_ids = ["1", "25"]

[providers.changelly]
auth = "api_key"

[providers.swapkit]
providers = ["CHAINFLIP", "THORCHAIN"]
rate_limit_per_minute = 60

[providers.swapscanner]
wallet_address = "not an address"
referrer_fee_token = 7

[assets."FOO@ethereum"]
decimals = 9
"""


def test_each_providers_own_settings(tmp_path: Path) -> None:
    from decimal import Decimal

    loaded = load_settings(env_for(tmp_path, PROVIDERS))
    providers = loaded.settings.providers
    assert providers.okx.fee_percent == Decimal("0.25")  # a TOML float, read exactly
    assert providers.okx.dex_ids == ["1", "25"]
    assert providers.okx.base_url == "https://web3.okx.com"  # the default stays
    assert providers.changelly.auth == "api_key"
    assert providers.swapkit.providers == ["CHAINFLIP", "THORCHAIN"]
    assert providers.swapkit.rate_limit_per_minute == 60
    assert loaded.settings.assets == {"FOO@ethereum": {"decimals": 9}}
    problems = " ".join(loaded.problems)
    assert "line 15: providers.swapscanner.wallet_address: must be an EVM " in problems
    assert "line 16: providers.swapscanner.referrer_fee_token: Input should be 0, 1" in problems
    assert providers.swapscanner.wallet_address is None  # only the bad keys fall back
    assert providers.swapscanner.referrer_fee_token == 0


@pytest.mark.parametrize("written", ['"yes"', '"true"', "1", '"off"'])
def test_a_boolean_must_be_a_toml_boolean(tmp_path: Path, written: str) -> None:
    """`auto_refresh = "yes"` was silently taken as true."""
    text = CONFIG.replace("auto_refresh = true", f"auto_refresh = {written}")
    text += "\n[providers.okx]\nenabled = true\n"
    loaded = load_settings(env_for(tmp_path, text))
    (problem,) = loaded.problems
    assert problem.endswith(
        "config.toml, line 12: quote.auto_refresh: must be true or false, "
        "a TOML boolean (no quotes); using the default"
    )
    assert loaded.settings.quote.auto_refresh is False  # the default
    assert loaded.settings.providers.okx.enabled is True  # a real boolean is kept


def test_booleans_from_the_environment_are_still_words(tmp_path: Path) -> None:
    loaded = load_settings(
        env_for(tmp_path, A2A_TUI_PROVIDERS__OKX__ENABLED="true", A2A_TUI_QUOTE__AUTO_REFRESH="0")
    )
    assert loaded.problems == []
    assert loaded.settings.providers.okx.enabled is True
    assert loaded.settings.quote.auto_refresh is False
    wrong = load_settings(env_for(tmp_path, A2A_TUI_QUOTE__AUTO_REFRESH="maybe"))
    assert any("$A2A_TUI_QUOTE__AUTO_REFRESH" in p for p in wrong.problems)
