"""Webhook mode: the bot takes its updates on its own web app, posted by the sandbox as Telegram
posts them, and refuses any request without the secret (issue 12 item 1)."""
from __future__ import annotations

from pathlib import Path

import aiohttp
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.app import Talimger
from bot.db.models import AttemptItem, ProcessedUpdate, User
from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver, is_question
from tests.e2e.talimger_run import talimger_run
from tests.ports import free_port

SECRET = "w3bhook-Secret_for-tests"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def start_webhook_bot(start_bot: AppFactory) -> Talimger:
    port = free_port()
    return await start_bot(web_port=port, webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
                           webhook_secret=SecretStr(SECRET))


def forged_update(update_id: int, user_id: int) -> dict[str, object]:
    sender = {"id": user_id, "is_bot": False, "first_name": "Mallory", "language_code": "en"}
    return {"update_id": update_id,
            "message": {"message_id": 1, "date": 1_800_000_000, "chat": {"id": user_id, "type": "private"},
                        "from": sender, "text": "/start"}}


async def test_a_learner_starts_and_answers_a_quiz_through_the_webhook(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 12 item 1: with WEBHOOK_URL the sandbox posts updates to the bot's web app; /start,
    the lecture and a quiz press are answered as when polling, and nothing polls."""
    app = await start_webhook_bot(start_bot)
    info = await client.bot_info()
    assert info["webhook"]["url"] == app.settings.webhook_url and info["webhook"]["secret_token"] == SECRET
    assert len(await client.calls("setWebhook")) == 1

    user = await client.new_user("Dana", language_code="en")
    learner = LearnerDriver(user, course_key, "en")
    chunk = await learner.start()
    assert course_key.lecture_titles["en"][0] in chunk.text
    last = await learner.read_lecture(chunk)
    await user.press(last, learner.words["quiz"])
    question = await user.wait_for(is_question)
    await user.press(question, course_key.right_letter(question))
    await user.wait_for(lambda m: m.message_id > question.message_id and is_question(m))

    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        answered = await uow.session.scalar(
            select(func.count()).select_from(AttemptItem).where(AttemptItem.answered_at.is_not(None)))
    assert answered == 1
    assert await client.calls("getUpdates") == []


async def test_a_request_without_the_secret_is_refused_and_changes_nothing(
        start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 12 item 1: a forged update (no secret, or a wrong one) gets 401 and is not applied."""
    app = await start_webhook_bot(start_bot)
    assert app.settings.webhook_url is not None
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {SECRET_HEADER: "guessed"}, {SECRET_HEADER: SECRET + "x"}):
            async with http.post(app.settings.webhook_url, json=forged_update(900_001, 4242), headers=headers) as reply:
                assert reply.status == 401
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        assert await uow.session.get(User, 4242) is None
        assert await uow.session.get(ProcessedUpdate, 900_001) is None
    assert await client.calls("sendMessage") == []


async def test_a_restarted_replica_leaves_the_webhook_as_it_is(
        start_bot: AppFactory, client: SandboxClient, sandbox: Sandbox) -> None:
    """issue 12 item 1: the webhook is set once per deploy: a second process with the same
    WEBHOOK_URL finds it set and does not call setWebhook again."""
    first = await start_webhook_bot(start_bot)
    url = first.settings.webhook_url
    await first.stop()
    port = int(url.rsplit(":", 1)[1].split("/")[0])  # type: ignore[union-attr]
    second = await start_bot(web_port=port, webhook_url=url, webhook_secret=SecretStr(SECRET))
    assert len(await client.calls("setWebhook")) == 1
    user = await client.new_user("Ayan", language_code="en")
    await user.send("/start")
    await user.wait_for(lambda m: bool(m.buttons))
    assert second.web is not None


async def test_talimger_run_webhook_takes_the_browser_chat_through_the_webhook(
        tmp_path: Path, bot_database_url: str) -> None:
    """issue 12 item 1: `talimger run --webhook` as a person starts it (the sandbox stands in for
    Telegram): the sandbox's webhook points at WEBHOOK_URL and a learner's /start is answered."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    async with talimger_run(tmp_path, bot_database_url, WEB_PORT=str(port), WEBHOOK_URL=url, WEBHOOK_SECRET=SECRET,
                            args=("--webhook",)) as client:
        assert (await client.bot_info())["webhook"]["url"] == url
        user = await client.new_user("Nurlan", language_code="en")
        await user.send("/start")
        assert any("English" in text for text in (await user.wait_for(lambda m: bool(m.buttons))).button_texts)
        assert await client.calls("getUpdates") == []


async def test_the_webhook_answers_200_once_the_update_is_stored(start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 12 item 1: Telegram hears 200 only after the update's id is claimed and its writes are
    committed, so a replica that dies after answering has lost nothing (aiogram's plain background
    mode answers before the update is even read)."""
    app = await start_webhook_bot(start_bot)
    assert app.settings.webhook_url is not None and app.uow_factory is not None
    user = await client.new_user("Saule", language_code="en")
    update = forged_update(900_002, user.id)
    update["message"]["from"]["first_name"] = "Saule"  # type: ignore[index]
    async with aiohttp.ClientSession() as http:
        async with http.post(app.settings.webhook_url, json=update, headers={SECRET_HEADER: SECRET}) as reply:
            assert reply.status == 200
            async with app.uow_factory() as uow:
                assert await uow.session.get(ProcessedUpdate, 900_002) is not None
                stored = await uow.session.get(User, user.id)
                assert stored is not None and stored.first_name == "Saule"
    await user.wait_for(lambda m: bool(m.buttons))  # and the learner got the language picker
