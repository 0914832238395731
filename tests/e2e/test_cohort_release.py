"""A cohort course in New York: week 2 opens at local midnight on its date, after the DST change,
and each learner hears it at the end of their own quiet night, on their own clock."""
from __future__ import annotations

from datetime import datetime

from bot.app import Talimger
from bot.services.clock import ManualClock
from sandbox.client import ChatUser, SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver
from tests.e2e.schedule import UTC, move_to, notices, scheduled_course, sweep

NEW_YORK = "America/New_York"
COHORT = {"timezone": NEW_YORK,
          "release": {"mode": "cohort", "dates": ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"]}}
# Clocks in the US move forward on 8 March 2026, in Europe on 29 March.
WEEK_TWO_OPENS = datetime(2026, 3, 9, 4, 0, tzinfo=UTC)  # 00:00 EDT; 05:00 if EST were kept


async def pass_week_one(learner: LearnerDriver) -> str:
    result = await learner.take_quiz(await learner.read_lecture(await learner.start()), correct=5)
    return result.text


async def set_time_zone(user: ChatUser, zone_button: str, city: str) -> None:
    await user.send("/settings")
    menu = await user.wait_for(lambda m: any(text.startswith("🕐 Time zone") for text in m.button_texts))
    await user.press(menu, next(text for text in menu.button_texts if text.startswith("🕐 Time zone")))
    picker = await user.wait_for(lambda m: zone_button in m.button_texts)
    await user.press(picker, zone_button)
    await user.wait_for(lambda m: f"🕐 Time zone: {city}" in m.button_texts)


async def sweep_at(app: Talimger, clock: ManualClock, moment: datetime) -> int:
    move_to(clock, moment)
    return (await sweep(app)).sent


async def test_cohort_week_opens_on_the_local_date_across_a_dst_change(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock, course_key: CourseKey, tmp_path) -> None:
    move_to(clock, datetime(2026, 3, 2, 14, 0, tzinfo=UTC))  # Monday of week 1, 09:00 in New York
    app = await start_bot(content_dir=scheduled_course(tmp_path, **COHORT))
    ann, bernd, cal = [LearnerDriver(await client.new_user(name, language_code="en"), course_key, "en")
                       for name in ("Ann", "Bernd", "Cal")]
    await set_time_zone(bernd.user, "Berlin (UTC+1)", "Berlin")  # before learning: /settings works before enrolling too

    clock.advance(days=1)
    # Each is told the date on their own clock: midnight in New York is 05:00 in Berlin.
    assert "opens on March 9, 2026 at 00:00 (New York, UTC-4)." in await pass_week_one(ann)
    assert "opens on March 9, 2026 at 05:00 (Berlin, UTC+1)." in await pass_week_one(bernd)
    await pass_week_one(cal)

    # One minute before midnight in New York (03:59 UTC) lecture 2 is still closed...
    move_to(clock, datetime(2026, 3, 9, 3, 59, tzinfo=UTC))
    await cal.user.send("/lesson")
    assert "opens on March 9, 2026 at 00:00" in (await cal.user.wait_for(lambda m: "opens on" in m.text)).text
    # ...and at midnight EDT it is open (an hour earlier in UTC than before the change).
    move_to(clock, WEEK_TWO_OPENS)
    await cal.user.send("/lesson")
    chunk = await cal.user.wait_for(lambda m: "Lecture 2." in m.text)
    assert course_key.lecture_titles["en"][1] in chunk.text

    # Midnight is quiet for everyone: Ann hears at 08:00 EDT (12:00 UTC), Bernd at 08:00 CET
    # (07:00 UTC); Cal, already reading, is not told what she knows.
    assert await sweep_at(app, clock, WEEK_TWO_OPENS) == 0
    assert await sweep_at(app, clock, datetime(2026, 3, 9, 6, 59, tzinfo=UTC)) == 0
    assert await sweep_at(app, clock, datetime(2026, 3, 9, 7, 0, tzinfo=UTC)) == 1
    assert [m.text.split(".")[0] for m in await notices(bernd.user)] == ["🗓 Week 2 is open"]
    assert await sweep_at(app, clock, datetime(2026, 3, 9, 11, 59, tzinfo=UTC)) == 0
    assert await notices(ann.user) == []
    assert await sweep_at(app, clock, datetime(2026, 3, 9, 12, 0, tzinfo=UTC)) == 1
    [opened] = await notices(ann.user)
    assert opened.text.startswith("🗓 Week 2 is open.")
    assert await notices(cal.user) == []
    await ann.user.press(opened, "▶ Start the lecture")
    assert "Lecture 2." in (await ann.user.wait_for(lambda m: "Next ▶" in m.button_texts)).text


async def test_a_learner_who_enrols_before_the_cohort_starts_hears_when_it_does(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock, course_key: CourseKey, tmp_path) -> None:
    move_to(clock, datetime(2026, 2, 27, 15, 0, tzinfo=UTC))  # the Friday before, 10:00 in New York
    app = await start_bot(content_dir=scheduled_course(tmp_path, **COHORT))
    user = await client.new_user("Dana", language_code="en")
    await user.send("/start")
    picker = await user.wait_for(lambda m: "• 🇬🇧 English •" in m.button_texts)
    await user.press(picker, "• 🇬🇧 English •")
    waiting = await user.wait_for(lambda m: "opens on" in m.text)
    assert "opens on March 2, 2026 at 00:00" in waiting.text

    assert await sweep_at(app, clock, datetime(2026, 3, 2, 12, 59, tzinfo=UTC)) == 0  # 07:59 EST: still quiet
    assert await sweep_at(app, clock, datetime(2026, 3, 2, 13, 0, tzinfo=UTC)) == 1
    [opened] = await notices(user)
    assert opened.text.startswith("🗓 Week 1 is open.")
    await user.press(opened, "▶ Start the lecture")
    assert "Lecture 1." in (await user.wait_for(lambda m: "Next ▶" in m.button_texts)).text
