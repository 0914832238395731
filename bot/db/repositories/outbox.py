"""The outbox's SQL: enqueue deliveries, claim the due ones, mark a send, record what happened.

Every write after the claim is conditional on the claim token, so a sender whose claim expired
(and was taken over) changes nothing. See scheduler/outbox.py for the protocol.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Broadcast, Delivery

PENDING, SENDING, SENT, FAILED, BLOCKED, CANCELLED, UNKNOWN = (
    "pending", "sending", "sent", "failed", "blocked", "cancelled", "unknown")
# A broadcast's rows go out only while it is sending, or scheduled and its time has come.
SENDABLE_BROADCAST_STATES = ("scheduled", "sending")
_INSERT_CHUNK = 500  # rows per INSERT: far below SQLite's bound on parameters


@dataclass(frozen=True)
class NewDelivery:
    kind: str
    chat_id: int
    payload: dict[str, Any]
    not_before: datetime
    user_id: int | None = None
    broadcast_id: int | None = None
    dedupe_key: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What one send ended in, to be recorded under the claim."""

    delivery_id: int
    state: str  # sent, failed, blocked, or pending (try again at retry_at)
    at: datetime
    message_id: int | None = None
    error: str | None = None
    retry_at: datetime | None = None


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.bind.dialect.name if self._session.bind else "sqlite"

    async def enqueue(self, items: Sequence[NewDelivery]) -> int:
        """Insert the deliveries, skipping any whose (broadcast, chat) or dedupe key is taken;
        returns how many were inserted. Committed by the caller, with the work that caused them."""
        if not items:
            return 0
        insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        # One statement compiled once (and cached) with many parameter sets: SQLAlchemy batches
        # them into multi-row INSERTs itself. `.values(rows)` instead compiled a fresh 5,000-
        # parameter statement per chunk — half of a 5,000-reminder sweep's time (docs/PERFORMANCE.md).
        statement = insert(Delivery.__table__).on_conflict_do_nothing().returning(Delivery.__table__.c.id)
        inserted = 0
        for start in range(0, len(items), _INSERT_CHUNK):
            rows = [{"kind": item.kind, "chat_id": item.chat_id, "user_id": item.user_id,
                     "broadcast_id": item.broadcast_id, "payload": item.payload, "state": PENDING,
                     "not_before": item.not_before, "attempts": 0, "dedupe_key": item.dedupe_key,
                     "created_at": item.not_before}
                    for item in items[start:start + _INSERT_CHUNK]]
            result = await self._session.execute(statement, rows)
            inserted += len(result.all())
        return inserted

    async def anything_to_do(self) -> bool:
        """Whether any row a sender's turn could touch exists: a delivery pending or sending, a
        broadcast scheduled or sending. False means every statement of the turn would change
        nothing, so an idle sender asks this (a read) instead of taking the write lock each second."""
        waiting = exists().where(Delivery.state.in_((PENDING, SENDING)))
        live = exists().where(Broadcast.state.in_(SENDABLE_BROADCAST_STATES))
        return bool(await self._session.scalar(select(or_(waiting, live))))

    async def give_up_stale(self, now: datetime) -> int:
        """Rows left "sending" by a sender that died (its claim expired): the message may have
        gone out, so it is never sent again; the row says 'unknown'."""
        result = await self._session.execute(
            update(Delivery).where(Delivery.state == SENDING, Delivery.claimed_until < now)
            .values(state=UNKNOWN, claim_token=None, claimed_until=None,
                    error="the sender stopped mid-send; not sent again to avoid a double")
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def claim_due(self, now: datetime, token: str, until: datetime, limit: int) -> list[Delivery]:
        """Claim up to `limit` due rows nobody holds, oldest first, one-to-one messages before
        broadcast copies (a reminder does not wait behind 100,000 announcements).

        PostgreSQL: SKIP LOCKED lets senders claim side by side; SQLite: one atomic UPDATE.
        """
        sendable = select(Broadcast.id).where(Broadcast.state.in_(SENDABLE_BROADCAST_STATES),
                                              Broadcast.send_at <= now)
        due = (
            select(Delivery.id)
            .where(Delivery.state == PENDING, Delivery.not_before <= now,
                   or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
                   or_(Delivery.broadcast_id.is_(None), Delivery.broadcast_id.in_(sendable)))
            .order_by(Delivery.broadcast_id.is_not(None), Delivery.not_before, Delivery.id)
            .limit(limit)
        )
        if self._dialect == "postgresql":
            ids = list((await self._session.scalars(due.with_for_update(skip_locked=True))).all())
            if not ids:
                return []
            target = Delivery.id.in_(ids)
        else:
            target = Delivery.id.in_(due.scalar_subquery())
        await self._session.execute(
            update(Delivery).where(target).values(claim_token=token, claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        claimed = await self._session.scalars(
            select(Delivery).where(Delivery.claim_token == token, Delivery.state == PENDING)
            .order_by(Delivery.broadcast_id.is_not(None), Delivery.not_before, Delivery.id)
        )
        return list(claimed.all())

    async def mark_sending(self, token: str, ids: Sequence[int], at: datetime, until: datetime) -> set[int]:
        """Write "sending" on each row before its send; returns the ids marked. A row whose claim
        was lost, or whose broadcast was paused or cancelled meanwhile, is not marked: do not send.
        The claim is renewed to `until`: a row is given up as 'unknown' only that long after its mark,
        never while its request may still be answered."""
        if not ids:
            return set()
        sendable = select(Broadcast.id).where(Broadcast.state.in_(SENDABLE_BROADCAST_STATES))
        result = await self._session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.claim_token == token, Delivery.state == PENDING,
                   or_(Delivery.broadcast_id.is_(None), Delivery.broadcast_id.in_(sendable)))
            .values(state=SENDING, attempts=Delivery.attempts + 1, sent_at=at, claimed_until=until)
            .returning(Delivery.id).execution_options(synchronize_session=False)
        )
        return set(result.scalars().all())

    async def record(self, token: str, outcomes: Sequence[Outcome]) -> None:
        """Store each send's outcome and let go of the rows (only while holding the claim)."""
        for outcome in outcomes:
            values: dict[str, Any] = {"state": outcome.state, "claim_token": None, "claimed_until": None,
                                      "error": outcome.error}
            if outcome.state == SENT:
                values.update(message_id=outcome.message_id, sent_at=outcome.at)
            elif outcome.state == PENDING:
                values.update(not_before=outcome.retry_at or outcome.at, sent_at=None)
            await self._session.execute(
                update(Delivery).where(Delivery.id == outcome.delivery_id, Delivery.claim_token == token)
                .values(**values).execution_options(synchronize_session=False)
            )

    async def release(self, token: str) -> int:
        """Let go of claimed rows never marked (the batch ended early): due again at once."""
        result = await self._session.execute(
            update(Delivery).where(Delivery.claim_token == token, Delivery.state == PENDING)
            .values(claim_token=None, claimed_until=None).execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def figures(self, broadcast_id: int) -> dict[str, int]:
        """How many of a broadcast's rows are in each state."""
        result = await self._session.execute(
            select(Delivery.state, func.count()).where(Delivery.broadcast_id == broadcast_id)
            .group_by(Delivery.state)
        )
        return {state: int(count) for state, count in result.all()}

    async def cancel_pending(self, broadcast_id: int) -> int:
        """A cancelled broadcast's unsent rows; a row already marked "sending" is past stopping."""
        result = await self._session.execute(
            update(Delivery).where(Delivery.broadcast_id == broadcast_id, Delivery.state == PENDING)
            .values(state=CANCELLED, claim_token=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def depth(self) -> int:
        """Rows waiting to be sent (for /metrics and the logs)."""
        return int(await self._session.scalar(select(func.count()).select_from(Delivery)
                                              .where(Delivery.state == PENDING)) or 0)

    async def forget_settled_before(self, moment: datetime) -> int:
        """Settled one-to-one rows older than `moment` (a broadcast's rows stay: they are its figures)."""
        result = await self._session.execute(
            delete(Delivery).where(Delivery.broadcast_id.is_(None), Delivery.created_at < moment,
                                   Delivery.state.in_((SENT, FAILED, BLOCKED, CANCELLED, UNKNOWN)))
        )
        return int(result.rowcount or 0)

    async def of_kind(self, kind: str) -> Sequence[Delivery]:
        result = await self._session.scalars(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id))
        return result.all()
