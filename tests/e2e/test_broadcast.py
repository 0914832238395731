"""/broadcast end to end (issue 11, broadcasts): a coordinator writes, picks an audience, sees the
count and a preview, adds per-language versions, confirms; the outbox sends; the progress message
is edited and ends in a report; pause, resume, cancel; /broadcasts; refusals."""
from __future__ import annotations

from sandbox import Sandbox
from sandbox.client import SandboxClient

from bot.services.clock import ManualClock
from tests.e2e.broadcast_steps import (
    ADMIN_CHAT_ID,
    admin_chat,
    coordinator_in_admin_chat,
    data,
    draft_to_summary,
    got,
    has_data,
    seed_learners,
)
from tests.e2e.conftest import AppFactory
from tests.e2e.content_steps import rows, scalar
from tests.e2e.test_course_scope import load_mini


async def test_a_course_broadcast_in_three_languages_reaches_each_learner_in_theirs(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11 broadcasts: per-language versions (a missing one falls back to the default, said on
    the confirm screen), the count and preview as learners get it, opted-out learners skipped and
    counted, the progress message edited and a final report."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False)
    assert app.outbox is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)

    summary = await draft_to_summary(coordinator, "Default: exam on Friday", seeded.course_a, "everyone")
    # kk, ru, en, stalled, ahead, finished: 6 learners of course A; quiet opted out; other is in course B.
    assert "Recipients: 6" in summary.text and "Opted out of announcements, skipped: 1" in summary.text
    assert "no version in this language: they get the default one" in summary.text
    previews = [m for m in await coordinator.transcript() if m.text == "Default: exam on Friday" and m.from_bot]
    assert len(previews) == 1  # the preview: the very copy learners get

    for code, text in (("kk", "Жұма күні емтихан"), ("ru", "Экзамен в пятницу")):
        await coordinator.press(await coordinator.wait_for(has_data(data("version", w=code))),
                                callback_data=data("version", w=code))
        await coordinator.wait_for(lambda m: "Send the version for learners" in m.text)
        await coordinator.send(text)
        summary = await coordinator.wait_for(lambda m: has_data(data("confirm"))(m) and "Recipients" in m.text)
    assert "• Қазақша: 1 — they get their own version" in summary.text
    assert "• Русский: 3 — they get their own version" in summary.text
    assert "• English: 2 — no version in this language: they get the default one" in summary.text

    await coordinator.press(summary, callback_data=data("confirm"))
    confirmed = await coordinator.wait_for(lambda m: "is queued (recipients: 6)" in m.text)
    broadcast_id = int(confirmed.text.split("#")[1].split()[0])
    progress = await coordinator.wait_for(lambda m: f"Broadcast #{broadcast_id}" in m.text and "▓" in m.text
                                          or "░" in m.text, since=-1)
    assert "remaining: 6" in progress.text

    await app.outbox.drain()
    learners = seeded.learners
    assert await got(learners["kk"], "Жұма күні емтихан") == 1 and await got(learners["kk"], "Default") == 0
    for name in ("ru", "stalled", "finished"):
        assert await got(learners[name], "Экзамен в пятницу") == 1, name
        assert await got(learners[name], "Default") == 0, name
    for name in ("en", "ahead"):
        assert await got(learners[name], "Default: exam on Friday") == 1, name
    for name in ("quiet", "other"):  # opted out; another course
        assert await got(learners[name], "exam") + await got(learners[name], "Экзамен") == 0, name

    report = await coordinator.wait_for(lambda m: f"Broadcast #{broadcast_id} finished" in m.text)
    assert "Sent: 6" in report.text and "Opted out of announcements, skipped: 1" in report.text
    edited = [m for m in await coordinator.transcript() if m.message_id == progress.message_id][0]
    assert edited.edited and "▓" * 12 in edited.text and "Sent: 6" in edited.text and "remaining: 0" in edited.text
    assert not edited.buttons  # over: no pause or cancel any more
    for observer in app.outbox.observers:  # told again (another sender, a restart): no second report
        await observer({broadcast_id})
    await coordinator.wait_quiet()
    assert len([m for m in await coordinator.transcript() if f"Broadcast #{broadcast_id} finished" in m.text]) == 1

    await coordinator.send("/broadcasts")
    listing = await coordinator.wait_for(lambda m: "Recent broadcasts" in m.text)
    assert f"#{broadcast_id}" in listing.text and "sent 6 of 6" in listing.text and "opted out 1" in listing.text


async def test_a_photo_with_a_formatted_caption_reaches_learners_with_its_formatting(
        sandbox: Sandbox, start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 11 broadcasts: copyMessage keeps the coordinator's media and caption formatting."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False)
    assert app.outbox is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)

    await coordinator.send("/broadcast")
    await coordinator.wait_for(lambda m: "New broadcast" in m.text)
    sent = await coordinator.send_photo(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "poster.png",
                                        caption="Exam on Friday at 10:00")
    # The sandbox's user API types plain captions; this is the coordinator making "Friday" bold.
    source = sandbox.state.chats[coordinator.chat_id].messages[sent["message"]["message_id"]]
    source.caption_entities = [{"type": "bold", "offset": 8, "length": 6}]
    courses = await coordinator.wait_for(has_data(data("course", n=0)))
    await coordinator.press(courses, callback_data=data("course", n=seeded.course_a))
    await coordinator.press(await coordinator.wait_for(has_data(data("kind", w="language"))),
                            callback_data=data("kind", w="language"))
    await coordinator.press(await coordinator.wait_for(has_data(data("lang", w="en"))),
                            callback_data=data("lang", w="en"))
    summary = await coordinator.wait_for(has_data(data("confirm")))
    assert "Recipients: 2" in summary.text  # en and ahead
    preview = [m for m in await coordinator.transcript() if m.from_bot and m.media is not None]
    assert len(preview) == 1 and "<b>Friday</b>" in preview[0].html
    await coordinator.press(summary, callback_data=data("confirm"))
    await coordinator.wait_for(lambda m: "is queued (recipients: 2)" in m.text)
    await app.outbox.drain()
    for name in ("en", "ahead"):
        copies = [m for m in await seeded.learners[name].transcript() if m.from_bot and m.media is not None]
        assert len(copies) == 1, name
        assert copies[0].media.kind == "photo" and copies[0].html == "Exam on <b>Friday</b> at 10:00", name
    assert not [m for m in await seeded.learners["ru"].transcript() if m.media is not None]


async def test_each_audience_picks_the_right_learners(start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 11 broadcasts: everyone, a course, a language, stalled > N days, not opened this week's
    lecture, finished, not started, each on the seeded learners (opted-out never)."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False)
    assert app.outbox is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)
    cases = [  # (course, kind, language, days, who gets it)
        (None, "everyone", "", None, {"kk", "ru", "en", "stalled", "ahead", "finished", "other"}),
        (seeded.course_b, "everyone", "", None, {"other"}),
        (seeded.course_a, "language", "ru", None, {"ru", "stalled", "finished"}),
        (seeded.course_a, "stalled", "", 7, {"stalled"}),
        (seeded.course_a, "unopened", "", None, {"stalled", "ahead"}),
        (seeded.course_a, "finished", "", None, {"finished"}),
        (None, "not_started", "", None, {"stalled", "other"}),
    ]
    for index, (course, kind, language, days, expected) in enumerate(cases):
        text = f"Announcement {index} ({kind})"
        summary = await draft_to_summary(coordinator, text, course, kind, language, days)
        assert f"Recipients: {len(expected)}" in summary.text, (kind, summary.text)
        await coordinator.press(summary, callback_data=data("confirm"))
        await coordinator.wait_for(lambda m: f"is queued (recipients: {len(expected)})" in m.text)
        await app.outbox.drain()
        reached = {name for name, user in seeded.learners.items() if await got(user, text)}
        assert reached == expected, (kind, reached)
    assert await got(seeded.learners["quiet"], "Announcement") == 0


async def test_a_scheduled_broadcast_waits_for_its_time_typed_in_the_courses_zone(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11 broadcasts: the time is typed and shown in the course's zone, named; nothing goes
    out before it, everything after."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False)
    assert app.outbox is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)
    summary = await draft_to_summary(coordinator, "Webinar tonight", seeded.course_a, "finished")
    await coordinator.press(summary, callback_data=data("when"))
    asked = await coordinator.wait_for(lambda m: "When should it go out?" in m.text)
    assert "Almaty, UTC+5" in asked.text  # the course's zone (Asia/Almaty), named
    await coordinator.send("tomorrow evening")
    await coordinator.wait_for(lambda m: "could not read a date and time" in m.text)
    await coordinator.send("2026-01-05 10:00")  # 05:00 UTC; the clock says 09:00 UTC: past
    await coordinator.wait_for(lambda m: "already passed" in m.text)
    await coordinator.send("2026-01-05 19:30")  # 14:30 UTC
    summary = await coordinator.wait_for(lambda m: has_data(data("confirm"))(m) and "When:" in m.text)
    assert "19:30 (Almaty, UTC+5)" in summary.text
    await coordinator.press(summary, callback_data=data("confirm"))
    await coordinator.wait_for(lambda m: "is queued (recipients: 1)" in m.text)
    progress = await coordinator.wait_for(lambda m: "scheduled" in m.text and "Starts at" in m.text, since=-1)
    assert "19:30 (Almaty, UTC+5)" in progress.text

    clock.advance(hours=5)  # 14:00 UTC: not yet
    await app.outbox.drain()
    assert await got(seeded.learners["finished"], "Webinar tonight") == 0
    clock.advance(minutes=31)
    await app.outbox.drain()
    assert await got(seeded.learners["finished"], "Webinar tonight") == 1
    await coordinator.wait_for(lambda m: "finished." in m.text and "Sent: 1" in m.text)


async def test_a_learner_who_opts_out_before_a_scheduled_broadcast_never_gets_it(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11 fix item 4: a broadcast scheduled for tonight; before then the learner turns
    announcements off in /settings; when the time comes they get nothing, and their copy is
    stored as cancelled."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False)
    assert app.outbox is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)
    summary = await draft_to_summary(coordinator, "Webinar tonight", seeded.course_a, "finished")
    await coordinator.press(summary, callback_data=data("when"))
    await coordinator.wait_for(lambda m: "When should it go out?" in m.text)
    await coordinator.send("2026-01-05 19:30")  # 14:30 UTC; the clock says 09:00 UTC
    summary = await coordinator.wait_for(lambda m: has_data(data("confirm"))(m) and "When:" in m.text)
    await coordinator.press(summary, callback_data=data("confirm"))
    await coordinator.wait_for(lambda m: "is queued (recipients: 1)" in m.text)

    learner = seeded.learners["finished"]
    await learner.send("/settings")
    menu = await learner.wait_for(lambda m: "📢 Объявления: вкл." in m.button_texts)
    await learner.press(menu, "📢 Объявления: вкл.")
    await learner.wait_for(lambda m: "📢 Объявления: выкл." in m.button_texts, since=-1)

    clock.advance(hours=6)
    await app.outbox.drain()
    assert await got(learner, "Webinar tonight") == 0
    assert await rows(app, "SELECT state FROM deliveries WHERE user_id = :u AND kind = 'broadcast'",
                      u=learner.id) == [("cancelled",)]


async def test_a_deleted_original_pauses_the_scheduled_broadcast_and_its_author_is_told_once(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11 fix item 7: the summary asks the coordinator to keep their message until sending
    ends; they delete it anyway before the scheduled time; the first copies fail with "message to
    copy not found", the broadcast is paused (the rest never tried) and the coordinator is told
    once, in the chat where they confirmed it. The observers hear after each row (one row marked at
    a time, OUTBOX_GROUP_SIZE=1), so one copy fails and the other five are never tried."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False, outbox_batch_size=5)
    assert app.outbox is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)
    summary = await draft_to_summary(coordinator, "Exam moved to Friday", seeded.course_a, "everyone")
    assert "keep it (and its language versions) until sending has finished" in summary.text
    await coordinator.press(summary, callback_data=data("when"))
    await coordinator.wait_for(lambda m: "When should it go out?" in m.text)
    await coordinator.send("2026-01-05 19:30")
    summary = await coordinator.wait_for(lambda m: has_data(data("confirm"))(m) and "When:" in m.text)
    await coordinator.press(summary, callback_data=data("confirm"))
    queued = await coordinator.wait_for(lambda m: "is queued (recipients: 6)" in m.text)
    assert "do not delete it" in queued.text
    original = next(m for m in await coordinator.transcript() if not m.from_bot and m.text == "Exam moved to Friday")
    await coordinator.delete(original)

    clock.advance(hours=6)
    await app.outbox.drain()
    await app.outbox.drain()
    told = await coordinator.wait_for(lambda m: "is paused:" in m.text)
    assert told.text.startswith("⚠️ Broadcast #1 is paused: its original message was deleted")
    assert "Copies that failed: 1; not sent yet: 5." in told.text
    assert await scalar(app, "SELECT state FROM broadcasts") == "paused"
    assert sorted(await rows(app, "SELECT state, count(*) FROM deliveries GROUP BY state")) == [
        ("failed", 1), ("pending", 5)]
    for learner in seeded.learners.values():
        assert await got(learner, "Exam moved to Friday") == 0
    assert sum("is paused:" in m.text for m in await coordinator.transcript()) == 1


async def test_pause_stops_sending_resume_finishes_and_the_progress_is_edited_every_3_seconds(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11 broadcasts: pause / resume buttons; one progress message edited at most every 3 s."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False, outbox_batch_size=2,
                          outbox_group_size=2)
    assert app.outbox is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)
    summary = await draft_to_summary(coordinator, "Paused news", seeded.course_a, "everyone")
    await coordinator.press(summary, callback_data=data("confirm"))
    await coordinator.wait_for(lambda m: "is queued (recipients: 6)" in m.text)
    progress = await coordinator.wait_for(lambda m: "⏸ Pause" in m.button_texts, since=-1)

    await app.outbox.run_once()  # 2 sent, within 3 s of the last showing: not edited
    assert (await coordinator.wait_for(lambda m: m.message_id == progress.message_id, since=-1)).edited == \
        progress.edited
    clock.advance(seconds=3)
    await app.outbox.run_once()  # 4 sent; 3 s passed: edited
    shown = await coordinator.wait_for(lambda m: m.message_id == progress.message_id and "Sent: 4" in m.text,
                                       since=-1)
    # 4 sent in the 3 s since it began: the last 2 at that pace take 2 s.
    assert "remaining: 2" in shown.text and "About 0:02 left" in shown.text

    query = await coordinator.press(shown, "⏸ Pause")
    assert "Paused" in (await coordinator.wait_for_answer(query))["text"]
    paused = await coordinator.wait_for(lambda m: m.message_id == progress.message_id and "paused" in m.text,
                                        since=-1)
    assert "▶ Resume" in paused.button_texts
    clock.advance(seconds=10)
    assert (await app.outbox.drain()).sent == 0
    assert await scalar(app, "SELECT count(*) FROM deliveries WHERE state = 'pending'") == 2

    await coordinator.press(paused, "▶ Resume")
    await coordinator.wait_for(lambda m: m.message_id == progress.message_id and "⏸ Pause" in m.button_texts,
                               since=-1)
    await app.outbox.drain()
    assert sum([await got(user, "Paused news") for user in seeded.learners.values()]) == 6
    report = await coordinator.wait_for(lambda m: "finished." in m.text and "Sent: 6" in m.text)
    assert report.text.count("Broadcast #") == 1


async def test_cancel_leaves_the_rest_unsent_and_reports_it(start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 11 broadcasts: cancel stops what is not sent yet; the report counts it."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False, outbox_batch_size=2,
                          outbox_group_size=1)
    assert app.outbox is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)
    summary = await draft_to_summary(coordinator, "Cancelled news", seeded.course_a, "everyone")
    await coordinator.press(summary, callback_data=data("confirm"))
    progress = await coordinator.wait_for(lambda m: "⏹ Cancel the rest" in m.button_texts, since=-1)
    await app.outbox.run_once()
    query = await coordinator.press(progress, "⏹ Cancel the rest")
    assert "Left unsent: 4" in (await coordinator.wait_for_answer(query))["text"]
    report = await coordinator.wait_for(lambda m: "cancelled." in m.text)
    assert "Sent: 2" in report.text and "Not sent because cancelled: 4" in report.text
    await app.outbox.drain()
    assert sum([await got(user, "Cancelled news") for user in seeded.learners.values()]) == 2
    assert await rows(app, "SELECT state, count(*) FROM deliveries GROUP BY state ORDER BY state") == [
        ("cancelled", 4), ("sent", 2)]


async def test_a_learners_broadcast_and_forged_buttons_are_refused_and_nothing_is_sent(
        start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 11 broadcasts: a learner's /broadcast and a forged confirm or pause button are refused,
    nothing is sent; a coordinator of course B reaches only B's learners and cannot steer A's broadcast."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False)
    assert app.outbox is not None
    course_b = await load_mini(app)
    seeded = await seed_learners(client, app, course_b)
    coordinator = await coordinator_in_admin_chat(client, app)
    of_b = await coordinator_in_admin_chat(client, app, "Bolat", course="mini")
    await admin_chat(client, coordinator, of_b)
    learner = seeded.learners["ru"]

    await learner.send("/broadcast")
    refusal = await learner.wait_for(lambda m: "только для сотрудников курса" in m.text)
    await learner.send("Hello everyone")  # no draft was started: not a broadcast
    anchor = refusal.message_id
    for packed in (data("confirm"), data("course", n=seeded.course_a), "bcx:cancel:1"):
        query = await learner.press(anchor, callback_data=packed, forge=True)
        answer = await learner.wait_for_answer(query)
        assert answer.get("show_alert"), packed
    # The coordinator of course B: every course is theirs only; A is refused even when forged.
    summary = await draft_to_summary(of_b, "B only", None, "everyone")
    assert "Recipients: 1" in summary.text
    await of_b.press(summary, callback_data=data("confirm"))
    await of_b.wait_for(lambda m: "is queued (recipients: 1)" in m.text)
    await of_b.send("/broadcast")
    await of_b.wait_for(lambda m: "New broadcast" in m.text)
    await of_b.send("Sneaky")
    asked = await of_b.wait_for(has_data(data("kind", w="everyone")))
    query = await of_b.press(asked, callback_data=data("course", n=seeded.course_a), forge=True)
    assert "not granted to you" in (await of_b.wait_for_answer(query))["text"]
    query = await of_b.press(asked, callback_data=data("confirm"), forge=True)  # before any audience
    assert "draft is over" in (await of_b.wait_for_answer(query))["text"]

    # A's coordinator broadcasts; B's coordinator cannot pause it with a forged button.
    summary = await draft_to_summary(coordinator, "A news", seeded.course_a, "finished")
    await coordinator.press(summary, callback_data=data("confirm"))
    confirmed = await coordinator.wait_for(lambda m: "is queued (recipients: 1)" in m.text)
    a_broadcast = int(confirmed.text.split("#")[1].split()[0])
    query = await of_b.press(asked, callback_data=f"bcx:pause:{a_broadcast}", forge=True)
    assert "not granted to you" in (await of_b.wait_for_answer(query))["text"]
    # A forged confirm with no draft going on queues nothing.
    before = await scalar(app, "SELECT count(*) FROM broadcasts")
    query = await coordinator.press(confirmed, callback_data=data("confirm"), forge=True)
    assert "draft is over" in (await coordinator.wait_for_answer(query))["text"]
    assert await scalar(app, "SELECT count(*) FROM broadcasts") == before == 2

    await app.outbox.drain()
    assert await got(seeded.learners["other"], "B only") == 1
    assert sum([await got(user, "B only") for user in seeded.learners.values()]) == 1
    assert sum([await got(user, "Sneaky") for user in seeded.learners.values()]) == 0
    assert sum([await got(user, "Hello everyone") for user in seeded.learners.values()]) == 0
    assert await scalar(app, "SELECT state FROM broadcasts WHERE id = :id", id=a_broadcast) == "done"


async def test_paid_sending_shows_its_estimated_stars_cost_and_sends_with_allow_paid_broadcast(
        start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 11 paid mode: the confirm screen shows the estimated cost in Stars (0.1 per message,
    Bot API) before anything is sent; the copies go out with allow_paid_broadcast; confirming twice
    queues it once."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, scheduler_enabled=False)
    assert app.outbox is not None
    seeded = await seed_learners(client, app, await load_mini(app))
    coordinator = await coordinator_in_admin_chat(client, app)
    await admin_chat(client, coordinator)
    summary = await draft_to_summary(coordinator, "Paid news", seeded.course_a, "everyone")
    assert "Free sending" in summary.text and "Stars" not in summary.text
    await coordinator.press(summary, callback_data=data("paid"))
    paid = await coordinator.wait_for(lambda m: m.message_id == summary.message_id and "Stars" in m.text)
    assert "about 0.6 Telegram Stars (0.1 per message)" in paid.text and "⭐ Paid sending: on" in paid.button_texts
    assert await scalar(app, "SELECT count(*) FROM deliveries") == 0  # nothing before confirming
    await client.clear_calls()
    await coordinator.press(paid, callback_data=data("confirm"))
    await coordinator.press(paid, callback_data=data("confirm"), forge=True)  # a double press: queued once
    await coordinator.wait_for(lambda m: "is queued (recipients: 6)" in m.text)
    await coordinator.wait_quiet()
    assert await scalar(app, "SELECT count(*) FROM broadcasts") == 1
    await app.outbox.drain()
    copies = [call for call in await client.calls("copyMessage")
              if call["params"].get("chat_id") in {user.id for user in seeded.learners.values()}]
    assert len(copies) == 6 and all(call["params"].get("allow_paid_broadcast") in (True, "true") for call in copies)
    assert await scalar(app, "SELECT paid FROM broadcasts") in (1, True)
