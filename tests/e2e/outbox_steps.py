"""Seeding learners and a broadcast the way the coordinator's confirmation would, and reading
back what the sandbox delivered — shared by the outbox e2e tests and nothing else."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.db.models import User
from bot.db.repositories.outbox import NewDelivery
from bot.db.uow import UnitOfWorkFactory
from bot.telegram.outbox_payloads import text_payload
from sandbox.client import SandboxClient

# What a coordinator typed, one version per language (a broadcast with per-language versions).
ANNOUNCEMENT = {
    "kk": "Құрметті тыңдаушы, 3-апталық тестті жұмаға дейін тапсырыңыз.",
    "ru": "Уважаемый слушатель, сдайте тест третьей недели до пятницы.",
    "en": "Dear learner, please take the week 3 test by Friday.",
}
LANGUAGES = list(ANNOUNCEMENT)


async def seed_learners(uow_factory: UnitOfWorkFactory, users: list[dict[str, Any]], now: datetime) -> None:
    """The sandbox's users as the bot's learners, each with the language they chose."""
    async with uow_factory() as uow:
        uow.session.add_all(User(id=user["id"], first_name=user["first_name"], locale=user["language_code"],
                                 telegram_language=user["language_code"], is_active=True, created_at=now,
                                 last_seen_at=now) for user in users)
        await uow.commit()


async def queue_broadcast(uow_factory: UnitOfWorkFactory, now: datetime, *, kind: str = "broadcast",
                          paid: bool = False) -> int | None:
    """One delivery per active learner in their language, written in one transaction with the
    broadcast row (as the broadcast service does at confirmation). `kind` other than
    'broadcast' queues one-to-one rows instead (a reminder batch), each with a dedupe key."""
    async with uow_factory() as uow:
        learners = await _ids_and_locales(uow)
        broadcast_id = None
        if kind == "broadcast":
            broadcast = await uow.broadcasts.create(created_by=1, now=now, send_at=now, audience={"kind": "everyone"},
                                                    locale="en", paid=paid, recipients=len(learners))
            broadcast_id = broadcast.id
        await uow.outbox.enqueue([
            NewDelivery(kind, learner, text_payload(ANNOUNCEMENT[locale], paid=paid), now, learner, broadcast_id,
                        None if broadcast_id else f"{kind}:{learner}:week3")
            for learner, locale in learners])
        await uow.commit()
        return broadcast_id


async def _ids_and_locales(uow: Any) -> list[tuple[int, str]]:
    rows = await uow.session.execute(select(User.id, User.locale).where(User.is_active).order_by(User.id))
    return [(user_id, locale) for user_id, locale in rows]


async def delivered_texts(client: SandboxClient) -> dict[int, list[str]]:
    """chat id → the texts the bot's successful sendMessage calls put there, in order."""
    texts: dict[int, list[str]] = defaultdict(list)
    for call in await client.calls("sendMessage"):
        if call["status"] == 200:
            texts[int(call["params"]["chat_id"])].append(call["params"]["text"])
    return texts
