"""Course media reaches learners from the bot's own store, never from the folder it was loaded from."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import shutil
from pathlib import Path

import pytest

from bot.app import Talimger
from bot.db.migrate import upgrade_to_head
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter
from content import SAMPLE_COURSE_DIR, load_course
from sandbox import Sandbox
from sandbox.client import ChatUser, SandboxClient
from sandbox.client_models import SandboxMessage
from tests.conftest import MINI_COURSE
from tests.e2e.conftest import UNPACED, AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver

PASSWD = Path("/etc/passwd")
VIDEO = "media/week1.mp4"
LAB = "media/lab1_calc.py"
NOTICE = "⚠️ This part of the course could not be shown. The course team has been told; you can go on."
MISSING_ALERT = "A course file could not be sent"


def _copy_sample(tmp_path: Path) -> Path:
    """A copy of the sample course alone in its own CONTENT_DIR."""
    course = tmp_path / "courses" / "python-basics"
    shutil.copytree(SAMPLE_COURSE_DIR, course)
    return course


def _swap_for_passwd(course: Path, *names: str) -> None:
    for name in names:
        (course / name).unlink()
        (course / name).symlink_to(PASSWD)


async def _read_to_the_video(user: ChatUser, course_key: CourseKey) -> tuple[LearnerDriver, SandboxMessage]:
    """Start, then press Next until the message with lecture 1's video; returns it."""
    learner = LearnerDriver(user, course_key, "en")
    message = await learner.start()
    while message.media is None:
        assert "Next ▶" in message.button_texts, f"lecture 1 ended without its video: {message.text!r}"
        await user.press(message, "Next ▶")
        previous = message.message_id
        message = await user.wait_for(lambda m: m.message_id > previous and (
            m.media is not None or "Next ▶" in m.button_texts))
    return learner, message


async def _uploaded_bytes(client: SandboxClient, user: ChatUser) -> list[bytes]:
    return [await client.download(m.media.file_id) for m in await user.transcript()
            if m.from_bot and m.media is not None and m.media.download_url]


async def test_the_video_reaches_a_learner_after_the_course_folder_is_moved_away(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey, tmp_path: Path) -> None:
    """issue 9 item 4: media is copied at load, so moving the course folder loses nothing."""
    course = _copy_sample(tmp_path)
    video = (course / VIDEO).read_bytes()
    await start_bot(content_dir=course.parent)
    shutil.move(course, tmp_path / "elsewhere")
    shutil.rmtree(tmp_path / "elsewhere")

    user = await client.new_user("Mover", language_code="en")
    _, message = await _read_to_the_video(user, course_key)

    assert message.media is not None and message.media.kind == "video"
    assert await client.download(message.media.file_id) == video
    assert message.media.file_name == "week1.mp4"
    assert "Next ▶" in message.button_texts


async def test_a_media_file_swapped_for_a_symlink_after_load_never_uploads_its_target(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey, tmp_path: Path) -> None:
    """issue 9 item 4: after load, media/week1.mp4 and the lab file become symlinks to /etc/passwd;
    the learner gets the files as they were loaded, and nothing of /etc/passwd is uploaded."""
    course = _copy_sample(tmp_path)
    video, lab = (course / VIDEO).read_bytes(), (course / LAB).read_bytes()
    await start_bot(content_dir=course.parent)
    _swap_for_passwd(course, VIDEO, LAB)

    user = await client.new_user("Reader", language_code="en")
    learner, message = await _read_to_the_video(user, course_key)
    assert message.media is not None and await client.download(message.media.file_id) == video
    last = await learner.read_lecture(message)
    await learner.take_quiz(last, correct=5)
    document = await user.wait_for(lambda m: m.media is not None and m.media.file_name == "lab1_calc.py")
    assert document.media is not None and await client.download(document.media.file_id) == lab

    uploads = await _uploaded_bytes(client, user)
    assert uploads and not any(PASSWD.read_bytes() in data for data in uploads)


async def test_a_stored_file_gone_missing_lets_the_learner_go_on_without_it(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey, tmp_path: Path) -> None:
    """issue 9 item 4: a file missing from the media store at send time is logged and the learner
    reads on; the same press never fails over and over."""
    course = _copy_sample(tmp_path)
    app = await start_bot(content_dir=course.parent)
    store = app.media_store.root
    assert (store / f"{hashlib.sha256((course / VIDEO).read_bytes()).hexdigest()}.mp4").is_file()
    for stored in store.iterdir():
        stored.unlink()
    video_title = load_course(course).lectures[0].chunk("video").title.en

    user = await client.new_user("Unlucky", language_code="en")
    learner = LearnerDriver(user, course_key, "en")
    message = await learner.start()
    last = await learner.read_lecture(message)  # Next through the video chunk to the quiz button
    assert "📝 Take the quiz" in last.button_texts
    transcript = await user.transcript()
    assert not [m for m in transcript if m.from_bot and m.media is not None]
    assert any(video_title in m.text for m in transcript if m.from_bot)


async def test_a_course_loaded_before_the_media_store_sends_only_regular_files_of_its_folder(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey, tmp_path: Path,
        bot_database_url: str, clock: ManualClock) -> None:
    """issue 9 item 4: a version already in the database with absolute paths keeps working while
    its file is a regular file in its course folder; a symlink swapped in there is never followed."""
    course = _copy_sample(tmp_path)
    video = (course / VIDEO).read_bytes()
    engine = create_engine(bot_database_url)
    await upgrade_to_head(engine)
    async with UnitOfWorkFactory(create_session_factory(engine))() as uow:
        await CourseImporter(uow, clock).publish(load_course(course))  # no store: as before the store
        await uow.commit()
    await engine.dispose()
    await start_bot(content_dir=tmp_path / "empty")

    first = await client.new_user("Early", language_code="en")
    _, message = await _read_to_the_video(first, course_key)
    assert message.media is not None and await client.download(message.media.file_id) == video

    _swap_for_passwd(course, VIDEO)
    second = await client.new_user("Later", language_code="en")
    learner = LearnerDriver(second, course_key, "en")
    last = await learner.read_lecture(await learner.start())
    assert "📝 Take the quiz" in last.button_texts
    assert not await _uploaded_bytes(client, second)


async def test_a_broken_course_in_content_dir_does_not_stop_the_valid_one_from_loading(
        start_bot: AppFactory, client: SandboxClient, tmp_path: Path) -> None:
    """issue 9 item 11: CONTENT_DIR holds a course nested 700 levels deep, one over the size cap and
    one with an error, sorted before a valid course: the bot starts and learners get the valid one."""
    courses = tmp_path / "courses"
    for name, text in (("a-deep", "[" * 700), ("b-huge", "slug: huge\nx: '" + "y" * (3 * 1024 * 1024) + "'\n"),
                       ("c-invalid", "slug: invalid\nweeks: []\n")):
        (courses / name).mkdir(parents=True)
        (courses / name / "course.yaml").write_text(text, encoding="utf-8")
    shutil.copy(MINI_COURSE, courses / "d-mini.yaml")

    app: Talimger = await asyncio.wait_for(start_bot(content_dir=courses), timeout=60)
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:  # the mini course, not the sample course as a fallback
        assert [course.slug for course in await uow.courses.published()] == ["mini"]
    user = await client.new_user("Starter", language_code="en")
    await user.send("/start")
    picker = await user.wait_for(lambda m: "Choose your language" in m.text)
    await user.press(picker, next(text for text in picker.button_texts if "English" in text))
    chunk = await user.wait_for(lambda m: "Next ▶" in m.button_texts)
    assert "Intro text of lecture 1" in chunk.text


async def _second_bot(sandbox: Sandbox, app: Talimger, clock: ManualClock) -> Talimger:
    """Another bot (another token, so another bot id) on the first one's database and data folder,
    as after `talimger run` without a token, then with BOT_TOKEN on the same DATA_DIR."""
    other = Talimger(app.settings, token=sandbox.token, api_url=sandbox.url, clock=clock, send_limits=UNPACED)
    await other.start()
    return other


async def test_a_second_bot_on_the_same_database_uploads_the_video_instead_of_the_first_bots_file_id(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey, clock: ManualClock,
        tmp_path: Path) -> None:
    """issue 9 item 4 (review item 3): a file_id belongs to the bot that uploaded it; a second bot
    sharing the database must upload the video, not send the first bot's id (a 400 forever)."""
    course = _copy_sample(tmp_path)
    video = (course / VIDEO).read_bytes()
    first = await start_bot(content_dir=course.parent)
    _, sent_by_first = await _read_to_the_video(await client.new_user("First", language_code="en"), course_key)
    assert sent_by_first.media is not None
    await first.stop()

    # Telegram itself: a file_id of another bot is a "wrong file identifier".
    async with Sandbox(token="777001:OTHERBOTTOKEN") as telegram:
        telegram.state.settings.strict_file_ids = True
        # Another bot's updates and users: ids the first one has not seen.
        telegram.state.updates.next_update_id, telegram.state.next_user_id = 10_000, 200_001
        async with SandboxClient(telegram.url) as other_client:
            second = await _second_bot(telegram, first, clock)
            try:
                user = await other_client.new_user("Second", language_code="en")
                _, message = await _read_to_the_video(user, course_key)
                assert message.media is not None and message.media.kind == "video"
                assert await other_client.download(message.media.file_id) == video
                assert "Next ▶" in message.button_texts
            finally:
                await second.stop()


async def test_a_cached_file_id_telegram_refuses_is_forgotten_and_the_file_uploaded_once(
        start_bot: AppFactory, sandbox: Sandbox, client: SandboxClient, course_key: CourseKey,
        tmp_path: Path) -> None:
    """issue 9 item 4 (review item 3): a cached file_id Telegram answers "wrong file identifier" to
    is forgotten: the video is uploaded from the store, and its new id cached in place of the old."""
    course = _copy_sample(tmp_path)
    video = (course / VIDEO).read_bytes()
    app = await start_bot(content_dir=course.parent)
    sandbox.state.settings.strict_file_ids = True
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        key = f"sha256:{hashlib.sha256(video).hexdigest()}.mp4"  # the store key: digest and extension
        await uow.media.remember(f"{key}@{app.bot.id}", "BAADBAADnot-a-file-of-this-bot", app.clock.now())
        await uow.commit()

    _, message = await _read_to_the_video(await client.new_user("Cached", language_code="en"), course_key)
    assert message.media is not None and await client.download(message.media.file_id) == video
    # The new id is stored when the update that sent the video commits, a moment after the learner sees it.
    cached = None
    for _ in range(50):
        async with app.uow_factory() as uow:
            cached = await uow.media.file_id(f"{key}@{app.bot.id}")
        if cached != "BAADBAADnot-a-file-of-this-bot" and cached is not None:
            break
        await asyncio.sleep(0.1)
    assert cached == message.media.file_id


async def test_a_missing_course_file_gives_the_learner_the_notice_and_the_admin_chat_one_alert(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey, tmp_path: Path) -> None:
    """issue 9 item 2 (review item 4): a file gone from the media store is not silent: the learner
    gets the words, then the one-line notice with "Next" (and one for the lab's file); the admin
    chat hears of each place once, however many learners meet it."""
    admin_chat_id = -100778
    course = _copy_sample(tmp_path)
    app = await start_bot(content_dir=course.parent, admin_chat_id=admin_chat_id)
    for stored in app.media_store.root.iterdir():
        stored.unlink()
    coordinator = await client.new_user("Coordinator", language_code="en")
    await client.new_group("Admins", [coordinator], admins=[coordinator], id=admin_chat_id, type="supergroup")
    admin_chat = coordinator.in_chat(admin_chat_id)

    learner = LearnerDriver(await client.new_user("Missing", language_code="en"), course_key, "en")
    message = await learner.start()
    while NOTICE not in message.text:
        previous = message.message_id
        await learner.user.press(message, "Next ▶")
        message = await learner.user.wait_for(lambda m: m.message_id > previous and "Next ▶" in m.button_texts
                                              or "📝 Take the quiz" in m.button_texts)
    assert message.text == NOTICE and message.button_texts == ["Next ▶"]
    last = await learner.read_lecture(message)
    await learner.take_quiz(last, correct=5)
    await learner.user.wait_for(lambda m: m.message_id > last.message_id and NOTICE in m.text)

    second = LearnerDriver(await client.new_user("Missing Too", language_code="en"), course_key, "en")
    await second.read_lecture(await second.start())
    await second.user.wait_quiet()
    alerts = [m for m in await admin_chat.wait_quiet(period=0.5) if m.from_bot and MISSING_ALERT in m.text]
    assert len(alerts) == 2, [m.text for m in alerts]  # the video chunk, the lab file
    assert any("Where: laboratory work" in m.text for m in alerts)
    assert all("media file missing from the store" in m.text for m in alerts)


async def test_when_every_content_dir_course_is_broken_no_sample_course_goes_live(
        start_bot: AppFactory, client: SandboxClient, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """issue 9 item 11 (review item 10): the sample course is the fallback only for a CONTENT_DIR with
    no course at all; with only broken ones the bot starts with none, logs an ERROR naming them, and
    /start tells a learner plainly."""
    courses = tmp_path / "courses"
    (courses / "broken").mkdir(parents=True)
    (courses / "broken" / "course.yaml").write_text("slug: broken\nweeks: []\n", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        app = await start_bot(content_dir=courses)
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        assert await uow.courses.published() == []
    assert any(record.levelno == logging.ERROR and "no course loaded" in record.getMessage()
               and str(courses / "broken") in record.getMessage() for record in caplog.records)

    user = await client.new_user("Early Bird", language_code="en")
    await user.send("/start")
    answer = await user.wait_for(lambda m: "no courses yet" in m.text or "Choose your language" in m.text)
    if "Choose your language" in answer.text:
        await user.press(answer, next(text for text in answer.button_texts if "English" in text))
        answer = await user.wait_for(lambda m: "no courses yet" in m.text)
    assert answer.text == "There are no courses yet. Please come back later."
    assert not [m for m in await user.wait_quiet() if m.from_bot and "went wrong" in m.text]
