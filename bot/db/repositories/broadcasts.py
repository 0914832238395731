"""Broadcast rows: an announcement's state, audience and the chat message showing its progress."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Broadcast, Delivery

SCHEDULED, SENDING, PAUSED, CANCELLED, DONE = "scheduled", "sending", "paused", "cancelled", "done"


class BroadcastRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, *, created_by: int, now: datetime, send_at: datetime, audience: dict[str, Any],
                     locale: str, course_id: int | None = None, paid: bool = False, recipients: int = 0,
                     opted_out: int = 0) -> Broadcast:
        broadcast = Broadcast(created_by=created_by, created_at=now, state=SCHEDULED if send_at > now else SENDING,
                              send_at=send_at, course_id=course_id, audience=audience, paid=paid,
                              recipients=recipients, opted_out=opted_out, locale=locale)
        self._session.add(broadcast)
        await self._session.flush()
        return broadcast

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return await self._session.get(Broadcast, broadcast_id, populate_existing=True)

    async def recent(self, limit: int = 10) -> Sequence[Broadcast]:
        result = await self._session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit))
        return result.all()

    async def set_state(self, broadcast_id: int, state: str, *, only_from: Sequence[str] | None = None,
                        now: datetime | None = None) -> bool:
        """Move a broadcast to `state` (from one of `only_from`, when given); False if it was elsewhere."""
        statement = update(Broadcast).where(Broadcast.id == broadcast_id)
        if only_from is not None:
            statement = statement.where(Broadcast.state.in_(only_from))
        values: dict[str, Any] = {"state": state}
        if state in (CANCELLED, DONE) and now is not None:
            values["finished_at"] = now
        result = await self._session.execute(statement.values(**values).execution_options(synchronize_session=False))
        return bool(result.rowcount)

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        await self._session.execute(
            update(Broadcast).where(Broadcast.id == broadcast_id)
            .values(progress_chat_id=chat_id, progress_message_id=message_id)
            .execution_options(synchronize_session=False)
        )

    async def claim_progress(self, broadcast_id: int, at: datetime, shown_by: datetime | None) -> bool:
        """Mark the progress shown at `at` if it was last shown no later than `shown_by` (None: in any
        case); False when another sender got there first. One conditional UPDATE: two senders that both
        read "not shown yet" cannot both win (the database applies the second against the first's write)."""
        statement = update(Broadcast).where(Broadcast.id == broadcast_id)
        if shown_by is not None:
            statement = statement.where(or_(Broadcast.progress_at.is_(None), Broadcast.progress_at <= shown_by))
        result = await self._session.execute(statement.values(progress_at=at).returning(Broadcast.id)
                                             .execution_options(synchronize_session=False))
        return result.scalar_one_or_none() is not None

    async def failed_errors(self, broadcast_id: int) -> list[str]:
        """The distinct reasons Telegram gave for the broadcast's failed copies."""
        result = await self._session.execute(
            select(Delivery.error).where(Delivery.broadcast_id == broadcast_id, Delivery.state == "failed",
                                         Delivery.error.is_not(None)).distinct()
        )
        return [error for error in result.scalars().all() if error]

    async def start_due(self, now: datetime) -> list[int]:
        """Scheduled broadcasts whose time has come are sending from now on."""
        result = await self._session.execute(
            update(Broadcast).where(Broadcast.state == SCHEDULED, Broadcast.send_at <= now)
            .values(state=SENDING).returning(Broadcast.id).execution_options(synchronize_session=False)
        )
        return list(result.scalars().all())

    async def finish_drained(self, now: datetime) -> list[int]:
        """Sending broadcasts with nothing left to send (pending or in flight) are done."""
        left = exists().where(Delivery.broadcast_id == Broadcast.id, Delivery.state.in_(("pending", "sending")))
        result = await self._session.execute(
            update(Broadcast).where(Broadcast.state == SENDING, ~left)
            .values(state=DONE, finished_at=now).returning(Broadcast.id)
            .execution_options(synchronize_session=False)
        )
        return list(result.scalars().all())
