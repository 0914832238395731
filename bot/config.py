"""Settings from the environment and `.env`, validated once at start-up."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing import Annotated

SUPPORTED_LOCALES = ("kk", "ru", "en")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(Exception):
    """A setting has a bad value; the message is one line a person can act on."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    data_dir: Path = PROJECT_ROOT / "data"
    database_url: str | None = None
    public_base_url: str = "http://127.0.0.1:8080"
    # The bot's own web app (certificate pages); port 0 picks a free one.
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    web_requests_per_minute: int = Field(default=60, ge=1)  # per client address
    issuer_name: str = Field(default="Talimger", min_length=1, max_length=200)
    admin_chat_id: int | None = None
    owner_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_locale: str = "en"
    content_dir: Path = PROJECT_ROOT / "content" / "courses"
    log_level: str = "INFO"
    # Telegram's limits: ~30 messages/s overall, ~1/s into one chat with short bursts.
    send_rate_global: float = Field(default=30, gt=0)
    send_rate_per_chat: float = Field(default=1, gt=0)
    send_burst_per_chat: int = Field(default=3, ge=1)
    # The reminder sweep: how often it runs, how many learners it claims at a time, how long
    # a claim lasts if its process dies, and how many sends it keeps in flight.
    scheduler_enabled: bool = True
    sweep_interval_seconds: float = Field(default=60, gt=0)
    sweep_batch_size: int = Field(default=500, ge=1)
    sweep_claim_seconds: float = Field(default=300, gt=0)
    sweep_send_concurrency: int = Field(default=25, ge=1)

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        text = str(value).strip()
        head, _, tail = text.partition(":")
        if not head.isdigit() or not tail:
            raise ValueError("BOT_TOKEN must look like 123456:ABC-DEF (the token BotFather gave you)")
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

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("telegram_api_url", "public_base_url")
    @classmethod
    def _http_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value in (None, ""):
            if info.field_name == "public_base_url":
                # Certificate links are built from it: an empty one would print broken links.
                raise ValueError("PUBLIC_BASE_URL must be set to where certificates are verified, "
                                 "e.g. https://courses.example.edu")
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{(info.field_name or '').upper()} must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if "://" not in value:
            raise ValueError("DATABASE_URL must be a SQLAlchemy URL such as sqlite+aiosqlite:///data/talimger.db")
        if value.startswith("sqlite://"):
            return "sqlite+aiosqlite://" + value.removeprefix("sqlite://")
        if value.startswith(("postgresql://", "postgres://")):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        return value

    @property
    def effective_database_url(self) -> str:
        """The configured database, or a SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'talimger.db').resolve()}"

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None


def load_settings(**overrides: object) -> Settings:
    """Read settings; turn a validation failure into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]).upper() or "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"Bad setting {field}: {message}") from None
