"""Nudges for a learner who stalls or fails a quiz: when, how many, never at night, as they chose."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.app import Talimger
from bot.db.models import User
from bot.services.clock import ManualClock
from sandbox.client import ChatUser, SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver
from tests.e2e.schedule import local, move_to, notices, read_two_parts, sweep_hourly

ALMATY = "Asia/Almaty"  # the sample course's time zone; quiet hours 22:00-08:00 by default


async def test_a_stalled_learner_gets_exactly_two_nudges_at_the_right_times_none_at_night(
        bot_app: Talimger, client: SandboxClient, clock: ManualClock, course_key: CourseKey) -> None:
    # The learner's last step is at 23:00 in Almaty: three days later is night, so the
    # first nudge waits for 08:00; the second comes remind_again (3) days after the first.
    move_to(clock, local(ALMATY, 2026, 1, 5, 23, 0))
    learner = LearnerDriver(await client.new_user("Dana", language_code="en"), course_key, "en")
    await read_two_parts(learner)

    sent_at = await sweep_hourly(bot_app, clock, days=20)
    assert sent_at == [local(ALMATY, 2026, 1, 9, 8, 0), local(ALMATY, 2026, 1, 12, 8, 0)]
    assert all(8 <= moment.astimezone(ZoneInfo(ALMATY)).hour < 22 for moment in sent_at)
    first, second = await notices(learner.user)
    for nudge in (first, second):
        assert nudge.text.startswith("⏰ You stopped at part 2 of ")
        assert course_key.lecture_titles["en"][0] in nudge.text
        assert nudge.button_texts == ["▶ Continue"]

    # Acting ends the silence; the count starts afresh from there.
    move_to(clock, local(ALMATY, 2026, 1, 26, 12, 0))
    await learner.user.press(second, "▶ Continue")
    resumed = await learner.user.wait_for(lambda m: "part 2 of" in m.text and learner.words["next"] in m.button_texts)
    assert "Lecture 1." in resumed.text
    acted = clock.now()
    assert await sweep_hourly(bot_app, clock, days=4) == [acted + timedelta(days=3)]


async def test_a_failed_quiz_not_retaken_gets_review_and_retry_after_two_days(
        bot_app: Talimger, client: SandboxClient, clock: ManualClock, course_key: CourseKey) -> None:
    move_to(clock, local(ALMATY, 2026, 1, 5, 10, 0))
    learner = LearnerDriver(await client.new_user("Erlan", language_code="en"), course_key, "en")
    failed = await learner.take_quiz(await learner.read_lecture(await learner.start()), correct=1)
    failed_at = clock.now()
    assert "You answered 1 of 5" in failed.text

    assert await sweep_hourly(bot_app, clock, days=3) == [failed_at + timedelta(days=2)]
    [retry] = await notices(learner.user)
    assert retry.text.startswith("📖 Your last quiz on lecture 1, ")
    assert "scored 1 of 5" in retry.text and "3 correct answers open the next lecture" in retry.text
    await learner.user.press(retry, "🔁 Retake the quiz")
    assert "Question 1 of 5" in (await learner.user.wait_for(lambda m: "Question 1 of 5" in m.text)).text


async def press_setting(user: ChatUser, prefix: str) -> list[str]:
    menu = await user.wait_for(lambda m: any(text.startswith(prefix) for text in m.button_texts), since=-1)
    await user.press(menu, next(text for text in menu.button_texts if text.startswith(prefix)))
    changed = await user.wait_for(lambda m: m.message_id == menu.message_id and m.button_texts != menu.button_texts)
    return changed.button_texts


async def test_settings_turn_reminders_off_and_change_quiet_hours(
        bot_app: Talimger, client: SandboxClient, clock: ManualClock, course_key: CourseKey) -> None:
    move_to(clock, local(ALMATY, 2026, 1, 5, 10, 0))
    learner = LearnerDriver(await client.new_user("Farida", language_code="en"), course_key, "en")
    await read_two_parts(learner)
    user = learner.user
    await user.send("/settings")
    menu = await user.wait_for(lambda m: "Settings" in m.text)
    assert menu.button_texts == ["🗓 New week: on", "⏰ Unfinished lecture: on",
                                 "🔁 Failed quiz: on", "📢 Announcements: on", "🌙 Quiet hours: 22:00–08:00",
                                 "🕐 Time zone: Almaty"]  # issue 11: the announcements opt-out
    assert "Time zone: Almaty, UTC+5 (the course's)" in menu.text

    assert "⏰ Unfinished lecture: off" in await press_setting(user, "⏰ Unfinished lecture")
    assert "23:00–07:00" in await press_setting(user, "🌙 Quiet hours")
    assert "🌙 Quiet hours: 23:00–07:00" in await press_setting(user, "23:00–07:00")
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        stored = await uow.session.scalar(select(User).where(User.id == user.id))
        assert stored is not None and not stored.remind_stalled and stored.quiet_hours == "23:00-07:00"
        assert stored.remind_new_week and stored.remind_retry

    # Stalled nudges are off: ten silent days bring nothing.
    assert await sweep_hourly(bot_app, clock, days=10) == []
    # On again: pressing the button was the learner's last act, so three days from it.
    assert "⏰ Unfinished lecture: on" in await press_setting(user, "⏰ Unfinished lecture")
    pressed = clock.now()
    assert await sweep_hourly(bot_app, clock, days=4) == [pressed + timedelta(days=3)]
    assert len(await notices(user)) == 1


async def test_the_scheduler_runs_the_sweep_by_itself(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock, course_key: CourseKey) -> None:
    app = await start_bot(sweep_interval_seconds=0.2)
    # The sweep, the housekeeping and the weekly digest (issue 11), rebuilt at start; nothing else lives
    # in APScheduler.
    assert app.scheduler is not None
    assert sorted(job.id for job in app.scheduler.get_jobs()) == ["housekeeping", "reminder-sweep", "weekly-digest"]
    move_to(clock, local(ALMATY, 2026, 1, 5, 10, 0))
    learner = LearnerDriver(await client.new_user("Gani", language_code="en"), course_key, "en")
    await read_two_parts(learner)
    clock.advance(days=3, minutes=1)
    nudge = await learner.user.wait_for(lambda m: m.text.startswith("⏰ You stopped at part 2"), timeout=10)
    assert nudge.button_texts == ["▶ Continue"]
