"""A bad setting stops start-up with one line that names it."""
from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


@pytest.mark.parametrize(("overrides", "message"), [
    ({"public_base_url": ""}, "Bad setting PUBLIC_BASE_URL: PUBLIC_BASE_URL must be set"),
    ({"public_base_url": "courses.example.edu"}, "Bad setting PUBLIC_BASE_URL: PUBLIC_BASE_URL must start with"),
    ({"bot_token": "not-a-token"}, "Bad setting BOT_TOKEN: BOT_TOKEN must look like"),
    ({"owner_ids": "1, two"}, "Bad setting OWNER_IDS: OWNER_IDS must be Telegram user ids"),
    ({"default_locale": "de"}, "Bad setting DEFAULT_LOCALE: DEFAULT_LOCALE must be one of kk, ru, en"),
])
def test_bad_values_give_one_clear_line(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings(_env_file=None, **overrides)
    assert str(error.value).startswith(message)
    assert "\n" not in str(error.value)


def test_defaults_work_without_any_setting() -> None:
    settings = load_settings(_env_file=None)
    assert settings.token is None and settings.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.owner_ids == [] and settings.public_base_url.startswith("http")
