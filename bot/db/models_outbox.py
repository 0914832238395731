"""What the bot sends on its own: broadcasts, the outbox rows (deliveries), and the messages of
direct learner-coordinator conversations. Import them from `bot.db.models` like every model."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models_base import Base


class Broadcast(Base):
    """A coordinator's announcement; its recipients are rows in `deliveries` created at confirmation.

    The outbox sends a broadcast's rows only while it is 'sending' (or 'scheduled' and past
    send_at); pausing or cancelling is one UPDATE here, seen by every sender at its next claim."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))  # scheduled, sending, paused, cancelled, done
    send_at: Mapped[datetime]
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    paid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    recipients: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    opted_out: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locale: Mapped[str] = mapped_column(String(8), default="en")
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Delivery(Base):
    """One message the bot sends on its own (a reminder, a week opening, a broadcast copy, a
    nudge, a digest): the outbox row that makes it durable. See scheduler/outbox.py."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "chat_id"),
        Index("ix_deliveries_due", "state", "not_before"),
        Index("ix_deliveries_broadcast_state", "broadcast_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    # One Bot API call without its chat_id: {"method": "sendMessage", "params": {...}}.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    not_before: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # Makes enqueueing idempotent ("reminder:<enrolment>:<kind>:<lecture>:<n>"): a second insert is ignored.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class ContactMessage(Base):
    """One message of a direct conversation between a learner and the coordinators, found by where
    it lies: the bot's copy of a learner's message in the staff's chat ("from_learner"), or a
    coordinator's message as the learner got it in their chat ("to_learner"). A reply to either is
    passed on to the other side; that is all this table is for."""

    __tablename__ = "contact_messages"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    learner_id: Mapped[int] = mapped_column(BigInteger)
    direction: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(BigInteger)  # the coordinator who wrote ("to_learner")
    created_at: Mapped[datetime]
