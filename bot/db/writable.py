"""Is the database usable for a bot: reachable, migrated, and writable? Said in one line if not."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine


class DatabaseUnusable(Exception):
    """The database cannot be opened, migrated or written; the message says which and why."""

    def __init__(self, message: str, read_only: bool = False) -> None:
        super().__init__(message)
        self.read_only = read_only


async def check_writable(engine: AsyncEngine) -> None:
    """A migrated database that is read-only would fail only at the first learner's answer: ask now.

    Rewriting the schema version to itself is a write on every backend, and is rolled back.
    """
    try:
        async with engine.connect() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            await connection.rollback()
    except (SQLAlchemyError, OSError) as error:
        raise database_unusable(engine, error) from None


def database_unusable(engine: AsyncEngine | None, error: BaseException) -> DatabaseUnusable:
    where = f"the database {engine.url.render_as_string(hide_password=True)}" if engine is not None else "the database"
    cause = getattr(error, "orig", None) or error
    reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    if "readonly" in reason.lower() or "read-only" in reason.lower():
        return DatabaseUnusable(f"{where} is read-only, and the bot must write to it ({reason})", read_only=True)
    return DatabaseUnusable(f"cannot use {where}: {reason}")
