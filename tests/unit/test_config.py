"""A bad setting stops start-up with one line that names it."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


@pytest.mark.parametrize(("overrides", "message"), [
    ({"public_base_url": "courses.example.edu"}, "Bad setting PUBLIC_BASE_URL: PUBLIC_BASE_URL must start with"),
    ({"bot_token": "not-a-token"}, "Bad setting BOT_TOKEN: BOT_TOKEN must look like"),
    ({"owner_ids": "1, two"}, "Bad setting OWNER_IDS: OWNER_IDS must be Telegram user ids"),
    ({"default_locale": "de"}, "Bad setting DEFAULT_LOCALE: DEFAULT_LOCALE must be one of kk, ru, en"),
    ({"log_level": "LOUD"}, "Bad setting LOG_LEVEL: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR"),
    ({"telegram_api_url": "http://127.0.0.1:99999"}, "Bad setting TELEGRAM_API_URL: TELEGRAM_API_URL must be a URL"),
    ({"telegram_api_url": "http://[::1"}, "Bad setting TELEGRAM_API_URL: TELEGRAM_API_URL must be a URL"),
    ({"telegram_api_url": "http://"}, "Bad setting TELEGRAM_API_URL: TELEGRAM_API_URL must be a URL"),
    ({"telegram_api_url": "http://:8081"}, "Bad setting TELEGRAM_API_URL: TELEGRAM_API_URL must be a URL"),
    ({"public_base_url": "https://courses.example.edu:x"},
     "Bad setting PUBLIC_BASE_URL: PUBLIC_BASE_URL must be a URL"),
    ({"database_url": "mysql+aiomysql://u@db/t"},
     "Bad setting DATABASE_URL: DATABASE_URL uses mysql+aiomysql, which Talimger does not support; "
     "supported: sqlite+aiosqlite, postgresql+asyncpg"),
    ({"database_url": "postgresql+psycopg2://u@db/t"},
     "Bad setting DATABASE_URL: DATABASE_URL uses postgresql+psycopg2"),
    ({"trusted_proxies": "10.0.0.0/8, proxy.local"}, "Bad setting TRUSTED_PROXIES: TRUSTED_PROXIES must be addresses"),
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


def test_an_empty_optional_variable_means_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 9 item 9: `ADMIN_CHAT_ID=` in a .env file (or the environment) is no chat, not a bad number."""
    env_file = tmp_path / ".env"
    env_file.write_text("ADMIN_CHAT_ID=\nTELEGRAM_API_URL=\nLOG_LEVEL=\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("WEB_PORT", " ")
    settings = load_settings(_env_file=env_file)
    assert settings.admin_chat_id is None and settings.telegram_api_url is None and settings.database_url is None
    assert settings.log_level == "INFO" and settings.web_port == 8080


@pytest.mark.parametrize(("host", "port", "url"), [
    ("127.0.0.1", 8080, "http://127.0.0.1:8080"),
    ("0.0.0.0", 9000, "http://127.0.0.1:9000"),
    ("courses.local", 80, "http://courses.local:80"),
    ("::1", 8443, "http://[::1]:8443"),
])
def test_public_base_url_defaults_to_the_web_apps_own_address(host: str, port: int, url: str) -> None:
    """issue 9 item 9: certificate links work out of the box where the pages are served."""
    settings = load_settings(_env_file=None, web_host=host, web_port=port)
    assert settings.public_base_url == url and settings.public_base_url_is_default
    given = load_settings(_env_file=None, web_host=host, web_port=port, public_base_url="https://c.example.edu/")
    assert given.public_base_url == "https://c.example.edu" and not given.public_base_url_is_default
    assert load_settings(_env_file=None, web_port=port, public_base_url="").public_base_url.endswith(f":{port}")


def test_log_level_and_trusted_proxies_are_read_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 9 items 9 and 10."""
    monkeypatch.setenv("LOG_LEVEL", "warning")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7 ,::1")
    settings = load_settings(_env_file=None)
    assert settings.log_level == "WARNING"
    assert [str(network) for network in settings.trusted_proxies] == ["10.0.0.0/8", "192.168.1.7/32", "::1/128"]
