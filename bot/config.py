"""Settings from the environment and `.env`, validated once at start-up."""
from __future__ import annotations

import importlib
import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (Field, PrivateAttr, SecretStr, ValidationError, ValidationInfo, field_validator,
                      model_validator)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

TOKEN_SHAPE = re.compile(r"[0-9]+:[A-Za-z0-9_-]+")
# What Telegram accepts as setWebhook's secret_token (sent back in X-Telegram-Bot-Api-Secret-Token).
WEBHOOK_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")

SUPPORTED_LOCALES = ("kk", "ru", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# SQLAlchemy driver name -> (the module it imports, how to install it)
DATABASE_DRIVERS = {
    "sqlite+aiosqlite": ("aiosqlite", "pip install talimger"),
    "postgresql+asyncpg": ("asyncpg", "pip install 'talimger[postgres]'"),
}
DATABASE_EXAMPLES = "sqlite+aiosqlite:///data/talimger.db or postgresql+asyncpg://user:password@host/db"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ConfigError(Exception):
    """A setting has a bad value; the message is one line a person can act on."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str | None = None
    # Unset: the bot's own web app, http://WEB_HOST:WEB_PORT (see `_default_public_base_url`).
    public_base_url: str = ""
    # The bot's own web app (certificate pages); port 0 picks a free one.
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    web_requests_per_minute: int = Field(default=60, ge=1)  # per client address
    # Proxies whose X-Forwarded-For is believed (CIDRs); from anyone else the header is ignored.
    trusted_proxies: Annotated[list[IPNetwork], NoDecode] = Field(default_factory=list)
    issuer_name: str = Field(default="Talimger", min_length=1, max_length=200)
    admin_chat_id: int | None = None
    owner_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # Conversation state (aiogram FSM) in Redis instead of the database, e.g. redis://localhost:6379/0.
    redis_url: str | None = None
    # Webhook mode: the public HTTPS address Telegram posts updates to (its path is mounted on the
    # web app), and the secret Telegram sends with each one. Unset: long polling.
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    default_locale: str = "en"
    content_dir: Path = PROJECT_ROOT / "content" / "courses"
    log_level: str = "INFO"
    # Telegram's limits: ~30 messages/s overall, ~1/s into one chat with short bursts.
    send_rate_global: float = Field(default=30, gt=0)
    send_rate_per_chat: float = Field(default=1, gt=0)
    send_burst_per_chat: int = Field(default=3, ge=1)
    # The reminder sweep: how often it runs, how many learners it claims at a time, and how long
    # a claim lasts if its process dies.
    scheduler_enabled: bool = True
    sweep_interval_seconds: float = Field(default=60, gt=0)
    sweep_batch_size: int = Field(default=500, ge=1)
    sweep_claim_seconds: float = Field(default=300, gt=0)
    # The outbox sender (scheduler/outbox.py): rows claimed at a time, how long a claim lasts if
    # its process dies (longer than a batch takes to send), and rows sent together — the most a
    # crash can leave "unknown" (maybe delivered, never sent twice).
    outbox_batch_size: int = Field(default=200, ge=1)
    outbox_claim_seconds: float = Field(default=120, gt=0)
    outbox_group_size: int = Field(default=5, ge=1)

    _public_base_url_is_default: bool = PrivateAttr(default=False)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_unset(cls, data: Any) -> Any:
        """`ADMIN_CHAT_ID=` in a .env file means the variable is not set, not an invalid number."""
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if not (isinstance(value, str) and not value.strip())}
        return data

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        text = str(value).strip()
        # The shape aiogram accepts; checked here so a bad token stops start-up before anything runs.
        if not TOKEN_SHAPE.fullmatch(text):
            raise ValueError("BOT_TOKEN must look like 123456:ABC-DEF (the token BotFather gave you)")
        return text

    @field_validator("webhook_secret", mode="before")
    @classmethod
    def _secret_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        text = str(value.get_secret_value() if isinstance(value, SecretStr) else value).strip()
        if not WEBHOOK_SECRET_SHAPE.fullmatch(text):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
                             "(e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')")
        return text

    @field_validator("owner_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            try:
                return [int(part) for part in parts]
            except ValueError:
                raise ValueError("OWNER_IDS must be Telegram user ids separated by commas") from None
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        parts = [part.strip() for part in value.replace(";", ",").split(",")] if isinstance(value, str) else value
        if not isinstance(parts, list):
            return value
        networks = []
        for part in parts:
            if isinstance(part, str) and not part:
                continue
            try:
                networks.append(ipaddress.ip_network(part, strict=False) if isinstance(part, str) else part)
            except ValueError:
                raise ValueError(f"TRUSTED_PROXIES must be addresses or networks separated by commas, "
                                 f"such as 10.0.0.0/8, 127.0.0.1; {part!r} is neither") from None
        return networks

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("telegram_api_url", "public_base_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value in (None, ""):
            return value
        name = (info.field_name or "").upper()
        sample = {"TELEGRAM_API_URL": "https://api.telegram.org",
                  "WEBHOOK_URL": "https://bot.example.edu/telegram"}.get(name, "https://courses.example.edu")
        example = f"{name} must be a URL such as {sample}"
        try:
            parts = urlsplit(value)
            port = parts.port  # raises on a port that is not a number or out of range
        except ValueError as error:
            raise ValueError(f"{example} ({error})") from None
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"{name} must start with http:// or https://")
        if not parts.hostname:
            raise ValueError(f"{example} (it names no host)")
        if port == 0:
            raise ValueError(f"{example} (port 0 is not a port one can connect to)")
        if parts.query or parts.fragment:
            raise ValueError(f"{example} (without ? or #)")
        if name == "WEBHOOK_URL" and parts.path.strip("/") == "":
            # The web app serves its pages at /: the webhook needs a path of its own.
            raise ValueError(f"{example} (with a path of its own: / is the certificate check page)")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if "://" not in value:
            raise ValueError(f"DATABASE_URL must be a SQLAlchemy URL such as {DATABASE_EXAMPLES}")
        if value.startswith("sqlite://"):
            value = "sqlite+aiosqlite://" + value.removeprefix("sqlite://")
        elif value.startswith(("postgresql://", "postgres://")):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            raise ValueError(f"DATABASE_URL must be a SQLAlchemy URL such as {DATABASE_EXAMPLES}") from None
        if driver not in DATABASE_DRIVERS:
            raise ValueError(f"DATABASE_URL uses {driver}, which Talimger does not support; "
                             f"supported: {', '.join(DATABASE_DRIVERS)} (e.g. {DATABASE_EXAMPLES})")
        module, install = DATABASE_DRIVERS[driver]
        try:
            importlib.import_module(module)
        except ImportError:
            raise ValueError(f"DATABASE_URL uses {driver}, but its driver {module} is not installed: "
                             f"{install}") from None
        return value

    @model_validator(mode="after")
    def _default_public_base_url(self) -> Settings:
        """Certificate links point at the bot's own web app unless told otherwise."""
        if not self.public_base_url:
            self.public_base_url = web_app_url(self.web_host, self.web_port)
            self._public_base_url_is_default = True
        return self

    @property
    def public_base_url_is_default(self) -> bool:
        """True when PUBLIC_BASE_URL was not set and follows WEB_HOST and WEB_PORT."""
        return self._public_base_url_is_default

    @property
    def effective_database_url(self) -> str:
        """The configured database, or a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'talimger.db').resolve()}"

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None

    @property
    def webhook_path(self) -> str:
        """Where the web app takes updates: WEBHOOK_URL's path (a proxy in front passes it on unchanged)."""
        return urlsplit(self.webhook_url or "").path

    @property
    def secret(self) -> str | None:
        return self.webhook_secret.get_secret_value() if self.webhook_secret else None

    def check_webhook_mode(self) -> None:
        """Webhook mode takes updates from the open internet: without a secret anyone could forge them."""
        if not self.webhook_url:
            raise ConfigError("Bad setting WEBHOOK_URL: webhook mode needs the public address Telegram posts "
                              "updates to, e.g. WEBHOOK_URL=https://bot.example.edu/telegram")
        if not self.webhook_secret:
            raise ConfigError("Bad setting WEBHOOK_SECRET: webhook mode refuses to start without a secret; "
                              "set WEBHOOK_SECRET (e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')")


def web_app_url(host: str, port: int) -> str:
    """The address a browser uses for a server listening on host:port (a wildcard host: this machine)."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def load_settings(**overrides: object) -> Settings:
    """Read settings; turn a validation failure into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]).upper() or "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"Bad setting {field}: {message}") from None
