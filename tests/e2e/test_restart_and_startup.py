"""The bot survives restarts and Bot API servers that lack optional methods."""
from __future__ import annotations

import aiohttp
from sqlalchemy import select

from bot.app import Talimger
from bot.config import Settings
from content import SAMPLE_COURSE_DIR
from sandbox import Sandbox

from bot.db.models import AttemptItem, LectureProgress
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver, is_question


async def test_a_restart_mid_quiz_keeps_every_answer_and_the_cursor(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    first_run = await start_bot()
    learner = LearnerDriver(await client.new_user("Steady", language_code="en"), course_key, "en")
    last = await learner.read_lecture(await learner.start())
    await learner.user.press(last, "📝 Take the quiz")
    for _ in range(2):
        question = await learner.user.wait_for(is_question)
        await learner.user.press(question, course_key.right_letter(question))
        await learner.user.wait_for(lambda m: m.message_id > question.message_id and is_question(m))
    await first_run.stop()

    second_run = await start_bot()
    await learner.user.send("/lesson")
    resumed = await learner.user.wait_for(is_question)
    assert "Question 3 of 5" in resumed.text
    for _ in range(3):
        await learner.user.press(resumed, course_key.right_letter(resumed))
        resumed = await learner.user.wait_for(
            lambda m: m.message_id > resumed.message_id and (is_question(m) or m.text.startswith("Quiz result")))
    assert "You answered 5 of 5 questions correctly." in resumed.text
    assert second_run.uow_factory is not None
    async with second_run.uow_factory() as uow:
        answers = (await uow.session.scalars(select(AttemptItem).order_by(AttemptItem.position))).all()
        assert [item.is_correct for item in answers] == [True] * 5
        cursors = {row.lecture_key: row.chunk_cursor for row in await uow.session.scalars(select(LectureProgress))}
        assert cursors["variables"] == 6 and cursors.get("control_flow", -1) == -1


async def test_start_up_survives_a_server_without_set_my_commands(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey, caplog) -> None:  # type: ignore[no-untyped-def]
    await client.inject_fault("setMyCommands", error_code=404, description="Not Found", count=10)
    await start_bot()
    assert sum("refused setMyCommands" in record.getMessage() for record in caplog.records) == 1
    learner = LearnerDriver(await client.new_user("Menu", language_code="en"), course_key, "en")
    first = await learner.start()
    assert "Lecture 1." in first.text


async def test_the_command_menu_is_registered_in_three_languages(bot_app, client: SandboxClient) -> None:  # type: ignore[no-untyped-def]
    by_language = (await client.bot_info())["commands"]["default"]  # scope -> language -> commands
    assert set(by_language) == {"", "kk", "ru", "en"}
    descriptions = {language: {c["command"]: c["description"] for c in items} for language, items in by_language.items()}
    assert descriptions["en"]["progress"] == "My progress"
    assert descriptions["ru"]["progress"] == "Мой прогресс"
    assert set(descriptions["kk"]) == set(descriptions["en"]) and descriptions["kk"]["progress"] != "My progress"


async def test_the_description_is_set_in_three_languages(bot_app, client: SandboxClient) -> None:  # type: ignore[no-untyped-def]
    info = await client.bot_info()
    assert set(info["descriptions"]) == {"", "kk", "ru", "en"}
    assert info["descriptions"]["en"].startswith("Short courses right in this chat")
    assert info["descriptions"]["ru"] != info["descriptions"]["en"] != info["descriptions"]["kk"]
    assert all(len(text) <= 120 for text in info["short_descriptions"].values())


async def test_start_up_survives_a_server_without_descriptions(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey, caplog) -> None:  # type: ignore[no-untyped-def]
    await client.inject_fault("setMyDescription", error_code=404, description="Not Found", count=10)
    await client.inject_fault("setMyShortDescription", error_code=400, description="Bad Request: method not supported",
                              count=10)
    await start_bot()
    refusals = [record.getMessage() for record in caplog.records if "refused" in record.getMessage()]
    assert len(refusals) == 2 and "setMyDescription" in refusals[0] and "setMyShortDescription" in refusals[1]
    learner = LearnerDriver(await client.new_user("Plain", language_code="en"), course_key, "en")
    assert "Lecture 1." in (await learner.start()).text


async def test_without_public_base_url_certificate_links_point_at_the_bots_own_pages(
        sandbox: Sandbox, bot_database_url: str) -> None:
    """issue 9 item 9: PUBLIC_BASE_URL defaults to WEB_HOST:WEB_PORT, the port actually taken when 0."""
    settings = Settings(_env_file=None, database_url=bot_database_url, web_port=0,  # type: ignore[call-arg]
                        content_dir=SAMPLE_COURSE_DIR.parent)
    app = Talimger(settings, token=sandbox.token, api_url=sandbox.url)
    await app.start()
    try:
        assert app.web is not None and app.dispatcher is not None
        assert app.dispatcher["public_base_url"] == app.web.url and not app.web.url.endswith(":0")
        async with aiohttp.ClientSession() as http, http.get(f"{app.dispatcher['public_base_url']}/health") as page:
            assert page.status == 200
    finally:
        await app.stop()
