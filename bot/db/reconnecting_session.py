"""A statement that opens a transaction and finds its pooled connection dead runs once more on a new one.

PostgreSQL closes connections the pool still holds when it restarts, fails over, or a
proxy in between times them out. SQLAlchemy's `pool_pre_ping` finds out on every checkout,
at a price: the asyncpg dialect pings with BEGIN, an empty query and ROLLBACK, three round
trips before every transaction, a third of what a quiz answer sends to the server (issue 12).
Instead the first statement finds out: SQLAlchemy then discards all the pool's older
connections (one such failure per process, not one per connection), and that statement,
having nothing before it to lose, is rolled back and run again on a fresh connection.

A statement inside a transaction that already did something is not repeated: what came
before it is gone with the connection, so the error goes up and the unit of work is redone
whole (an update by its redelivery: its claim was rolled back with the rest).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


class ReconnectingSession(Session):
    # Session.get reads through execute, so it is covered too.
    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self._once_more_if_closed(super().execute, args, kwargs)

    def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return self._once_more_if_closed(super().scalar, args, kwargs)

    def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self._once_more_if_closed(super().scalars, args, kwargs)

    def _once_more_if_closed(self, run: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        # Nothing begun since the last commit (adding an object or changing a loaded one begins
        # a transaction): a rollback here throws nothing away.
        if self.in_transaction():
            return run(*args, **kwargs)
        try:
            return run(*args, **kwargs)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
            log.warning("the database connection was found closed (%s: %s); the pool's older connections "
                        "are discarded and the statement runs again on a new one",
                        type(error.orig).__name__, error.orig)
            self.rollback()
        return run(*args, **kwargs)
