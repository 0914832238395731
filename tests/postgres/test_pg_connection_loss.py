"""PostgreSQL going away (issue 12): without a ping before every transaction an update makes fewer
round trips, and a connection the server closed between updates still loses no update; with the
database refusing connections, a learner is told in their own language (polling) and Telegram is
asked to deliver the update again (webhook)."""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime, timezone

import aiohttp
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.app import Talimger
from bot.db.models import AttemptItem, ProcessedUpdate, User
from bot.db.uow import UnitOfWorkFactory
from bot.telegram.i18n import create_i18n
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver, is_question
from tests.e2e.test_webhook_mode import SECRET, SECRET_HEADER, forged_update, start_webhook_bot
from tests.postgres.database_outage import cut_every_connection, database_down
from tests.postgres.round_trip_relay import RoundTrip, RoundTripRelay

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


@pytest.fixture
async def relay(pg_url: str) -> AsyncIterator[RoundTripRelay]:
    url = make_url(pg_url)
    relay = RoundTripRelay(url.host or "127.0.0.1", url.port or 5432)
    await relay.start()
    yield relay
    await relay.close()


@pytest.fixture
def bot_database_url(pg_url: str, relay: RoundTripRelay) -> str:
    """The bot reaches PostgreSQL through the relay."""
    return make_url(pg_url).set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)


def transaction_with(trips: list[RoundTrip], sql_start: str) -> list[str]:
    """The round trips, BEGIN to COMMIT, of the transaction that ran a statement starting with
    `sql_start`; statements being prepared (once per connection) left out."""
    for position, trip in enumerate(trips):
        if trip.sql.startswith(sql_start):
            own = [t.sql for t in trips if t.connection == trip.connection and not t.sql.startswith("PREPARE")]
            at = own.index(trip.sql)
            begin = max(i for i in range(at + 1) if own[i] == "BEGIN;")
            commit = next(i for i in range(at, len(own)) if own[i] in ("COMMIT;", "ROLLBACK;"))
            return own[begin:commit + 1]
    raise AssertionError(f"no round trip ran {sql_start!r}: {trips}")


def label(sql: str) -> str:
    """BEGIN, COMMIT, or the statement's verb and its own table ("SELECT users")."""
    if sql.rstrip(";") in ("BEGIN", "COMMIT", "ROLLBACK"):
        return sql.rstrip(";")
    outer = re.sub(r"\([^()]*\)", "", sql)  # subqueries and column lists out (innermost first)
    while outer != (outer := re.sub(r"\([^()]*\)", "", outer)):
        pass
    table = re.search(r"(?:FROM|INTO|UPDATE) (\w+)", outer)
    return f"{sql.split()[0]} {table.group(1) if table else '?'}"


async def test_a_quiz_answer_takes_six_round_trips_and_no_ping(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, relay: RoundTripRelay) -> None:
    """issue 12: SQLAlchemy's pool pinged every connection it handed out: BEGIN, an empty query
    and ROLLBACK before each transaction, three round trips of a quiz answer's nine."""
    learner = LearnerDriver(await client.new_user("Aigerim", language_code="en"), course_key, "en")
    last = await learner.read_lecture(await learner.start())
    await learner.user.press(last, learner.words["quiz"])
    first = await learner.user.wait_for(is_question)
    await learner.user.press(first, course_key.right_letter(first))  # the first reads the lecture once, for all
    question = await learner.user.wait_for(lambda m: m.message_id > first.message_id and is_question(m))
    before = len(relay.round_trips)
    await learner.user.press(question, course_key.right_letter(question))
    following = await learner.user.wait_for(lambda m: m.message_id > question.message_id and is_question(m))
    assert "Question 3" in following.text
    await asyncio.sleep(0.2)  # the update's last round trip (COMMIT) may trail the reply it sent
    trips = relay.round_trips[before:]
    answer = transaction_with(trips, "UPDATE attempt_items")
    assert [label(sql) for sql in answer] == [
        "BEGIN", "INSERT processed_updates", "SELECT users", "SELECT quiz_attempts", "UPDATE attempt_items", "COMMIT",
    ], answer
    assert not [trip for trip in trips if trip.sql == ";"], trips


async def test_connections_closed_between_updates_lose_no_update(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, pg_url: str,
        caplog: pytest.LogCaptureFixture) -> None:
    """issue 12: without the pool's ping, the first statement after a restart meets a closed
    connection: it is run again on a new one, so the learner's answer is applied and answered,
    and /healthz says the database is fine."""
    learner = LearnerDriver(await client.new_user("Nurlan", language_code="ru"), course_key, "ru")
    last = await learner.read_lecture(await learner.start())
    await learner.user.press(last, learner.words["quiz"])
    question = await learner.user.wait_for(is_question)
    caplog.set_level(logging.WARNING)
    assert await cut_every_connection(pg_url) >= 1
    await learner.user.press(question, course_key.right_letter(question))
    following = await learner.user.wait_for(lambda m: m.message_id > question.message_id and is_question(m))
    assert re.search(rf"{learner.words['question']}\D*2\D", following.text), following.text
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        answered = await uow.session.scalar(select(func.count()).select_from(AttemptItem)
                                            .where(AttemptItem.chosen_option.is_not(None)))
    assert answered == 1
    assert [r for r in caplog.records if "found closed" in r.getMessage()], caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text

    assert await cut_every_connection(pg_url) >= 1
    assert bot_app.web is not None
    async with aiohttp.ClientSession() as http, http.get(f"{bot_app.web.url}/healthz") as reply:
        assert reply.status == 200 and (await reply.json())["checks"]["database"] == "ok"


async def test_a_connection_lost_inside_a_transaction_is_not_run_again(
        pg_uow_factory: UnitOfWorkFactory, pg_migrated_url: str) -> None:
    """What the transaction did before is gone with the connection: running the next statement
    on a new one would commit half of it. The error goes up (an update is then redelivered)."""
    async with pg_uow_factory() as uow:
        await uow.updates.claim(1, NOW)
        await cut_every_connection(pg_migrated_url)
        with pytest.raises(DBAPIError) as raised:
            await uow.updates.claim(2, NOW)
        assert raised.value.connection_invalidated
        await uow.rollback()
    async with pg_uow_factory() as uow:  # a new transaction gets a new connection
        assert await uow.session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 0


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
async def test_with_the_database_down_a_learner_is_told_in_their_own_language(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, pg_url: str, language: str) -> None:
    """Found taking the journey with PostgreSQL cut: the apology came in English to a Russian
    learner; the database failed before their chosen language was read, and Telegram's
    language_code, which says it as well, was not asked."""
    learner = LearnerDriver(await client.new_user("Dana", language_code=language), course_key, language)
    last = await learner.read_lecture(await learner.start())
    async with database_down(pg_url):
        await learner.user.press(last, learner.words["quiz"])
        apology = await learner.user.wait_for(lambda m: m.message_id > last.message_id)
    english = "Sorry, something went wrong on my side. Send /lesson to continue where you stopped."
    expected = create_i18n("en").gettext(english, locale=language)
    assert expected != english or language == "en"
    assert apology.text == expected


async def test_a_changed_row_is_not_thrown_away_to_run_a_statement_again(
        pg_uow_factory: UnitOfWorkFactory, pg_migrated_url: str) -> None:
    """A row changed since the last commit is written by the next statement's flush: rolling back
    to run that statement again would silently drop the change. The error goes up instead."""
    async with pg_uow_factory() as uow:
        uow.session.add(User(id=42, first_name="Aruzhan", created_at=NOW, last_seen_at=NOW))
        await uow.commit()
        user = await uow.session.get(User, 42)
        await uow.commit()
        assert user is not None
        user.first_name = "Aruzhan B."
        await cut_every_connection(pg_migrated_url)
        with pytest.raises(DBAPIError):
            await uow.session.scalar(select(func.count()).select_from(ProcessedUpdate))
        await uow.rollback()


async def test_webhook_with_the_database_down_asks_telegram_to_deliver_again(
        start_bot: AppFactory, client: SandboxClient, pg_url: str) -> None:
    """A PostgreSQL restart refuses connections for a while ("the database system is starting up"):
    an update posted then must get 500, so that Telegram delivers it again and it is applied once
    the database is back; answering 200 drops it."""
    app = await start_webhook_bot(start_bot)
    assert app.settings.webhook_url is not None and app.uow_factory is not None
    user = await client.new_user("Aliya", language_code="kk")
    update = forged_update(900_101, user.id)
    async with aiohttp.ClientSession() as http:
        async with database_down(pg_url):
            async with http.post(app.settings.webhook_url, json=update, headers={SECRET_HEADER: SECRET}) as reply:
                assert reply.status == 500
        async with http.post(app.settings.webhook_url, json=update, headers={SECRET_HEADER: SECRET}) as reply:
            assert reply.status == 200
    async with app.uow_factory() as uow:
        assert await uow.session.get(ProcessedUpdate, 900_101) is not None
