"""A weekly course: week 2 opens seven days after enrolment, and the learner hears it then."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from bot.services.clock import ManualClock
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver
from tests.e2e.schedule import move_to, notices, scheduled_course, sweep


async def test_week_two_opens_on_day_seven_not_before_with_the_date_in_russian(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock, course_key: CourseKey,
        tmp_path: Path) -> None:
    app = await start_bot(content_dir=scheduled_course(tmp_path, release={"mode": "weekly_from_enrolment"}))
    user = await client.new_user("Асель", language_code="ru")
    learner = LearnerDriver(user, course_key, "ru")
    enrolled = clock.now()
    first = await learner.start()

    clock.advance(days=2)  # day 2: lecture 1 read and passed
    result = await learner.take_quiz(await learner.read_lecture(first), correct=4)
    opens = enrolled + timedelta(days=7)
    almaty = ZoneInfo("Asia/Almaty")  # the sample course's time zone
    when = f"{format_date(opens.astimezone(almaty).date(), 'long', locale='ru')} в {format_time(opens, 'HH:mm', tzinfo=almaty, locale='ru')}"
    assert f"откроется {when}" in result.text, result.text
    assert learner.words["next_lecture"] not in result.button_texts
    assert course_key.lecture_titles["ru"][1] in result.text

    # Up to the last minute of day 6 nothing arrives, and /lesson says when the week opens.
    for moment in (enrolled + timedelta(days=3), opens - timedelta(minutes=1)):
        move_to(clock, moment)
        assert (await sweep(app)).sent == 0
    await user.send("/lesson")
    waiting = await user.wait_for(lambda m: "откроется" in m.text)
    assert when in waiting.text
    await user.send("/progress")
    progress = await user.wait_for(lambda m: "🗓 2." in m.text)
    assert f"откроется {when.split(' в ')[0]}" in progress.text
    assert await notices(user) == []

    # Day 7: the week opens and the message comes, in Russian, with a button into the lecture.
    move_to(clock, opens)
    assert (await sweep(app)).sent == 1
    [opened] = await notices(user)
    assert opened.text.startswith("🗓 Неделя 2 открыта.") and course_key.lecture_titles["ru"][1] in opened.text
    await user.press(opened, "▶ Начать лекцию")
    chunk = await user.wait_for(lambda m: learner.words["next"] in m.button_texts)
    assert "Лекция 2." in chunk.text

    # It is sent once: later sweeps find nothing new to say (the learner is reading).
    clock.advance(hours=1)
    assert (await sweep(app)).sent == 0
    assert len(await notices(user)) == 1
