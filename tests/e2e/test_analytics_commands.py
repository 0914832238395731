"""Coordinators' analytics through the sandbox: /stats (text and chart), /stuck and its nudge
button through the outbox, /export of the learner data (issue 11, analytics)."""
from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from PIL import Image

from bot.services.clock import ManualClock
from bot.services.staff import Role
from sandbox import Sandbox
from sandbox.client import ChatUser, SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.staff_steps import hold_role
from tests.unit.analytics_seed import NOW, seed

ADMIN_CHAT_ID = -1009000011
OWNER_ID = 700_011
COORDINATOR_ID = 700_012
KAZAKH_TITLE = "Python бағдарламалау негіздері"


async def _course_with_learners(start_bot: AppFactory, client: SandboxClient, clock: ManualClock,
                                *more_members: ChatUser):
    clock.advance(seconds=(NOW - clock.now()).total_seconds())
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, owner_ids=[OWNER_ID])
    owner = await client.new_user("Olga", id=OWNER_ID, language_code="en")
    coordinator = await client.new_user("Kamila", id=COORDINATOR_ID, language_code="en")
    learners = {f"L{n}": await client.new_user(f"Learner{n}", language_code="en") for n in range(1, 8)}
    await client.new_group("Admins", [owner, coordinator, *more_members], id=ADMIN_CHAT_ID, type="supergroup")
    await hold_role(app, COORDINATOR_ID, Role.COORDINATOR)
    assert app.uow_factory is not None
    await seed(app.uow_factory, "python-basics", {label: user.id for label, user in learners.items()})
    return app, owner, coordinator, learners


async def test_stats_stuck_and_the_nudge_reach_the_chat_and_the_learners(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11 (analytics): a coordinator's /stats answers with the figures and a PNG chart;
    /stuck lists the stalled learners and its button queues one nudge each, which the outbox sends
    in each learner's language; a learner's /stats is refused."""
    app, _owner, coordinator, learners = await _course_with_learners(start_bot, client, clock)
    chat = coordinator.in_chat(ADMIN_CHAT_ID)

    await chat.send("/stats")
    text = await chat.wait_for(lambda m: m.from_bot and "python-basics" in m.text and "Enrolled" in m.text)
    assert "Enrolled: 7; active in the last 7 days: 2" in text.text
    assert "Completed: 1; certificates: 1" in text.text
    assert "6 → 6 → 2" in text.text and "2 → 2 → 1" in text.text
    photo = await chat.wait_for(lambda m: m.from_bot and m.media is not None and m.media.kind == "photo",
                                timeout=30)
    png = await client.download(photo.media.file_id)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and Image.open(io.BytesIO(png)).size[0] >= 600

    await chat.send("/stuck")
    listed = await chat.wait_for(lambda m: m.from_bot and "Stalled" in m.text)
    assert "4 learners" in listed.text
    for label in ("L7", "L1", "L2", "L4"):
        assert f"id {learners[label].id}" in listed.text
    assert f"id {learners['L3'].id}" not in listed.text  # blocked the bot: nothing reaches them
    assert listed.text.index(f"id {learners['L7'].id}") < listed.text.index(f"id {learners['L1'].id}")
    await chat.press(listed, "🔔 Nudge them all")
    queued = await chat.wait_for(lambda m: m.from_bot and "Nudges queued: 3" in m.text)
    assert "stalled reminders off: 1" in queued.text
    assert app.outbox is not None
    await app.outbox.drain()
    kazakh = await learners["L1"].wait_for(lambda m: "/lesson" in m.text)
    assert KAZAKH_TITLE in kazakh.text and "Сізді" in kazakh.text  # the learner's language, not the coordinator's
    english = await learners["L7"].wait_for(lambda m: "/lesson" in m.text)
    assert "We miss you" in english.text and "Python programming basics" in english.text
    await learners["L4"].wait_for(lambda m: "/lesson" in m.text)
    assert not any("/lesson" in m.text for m in await learners["L2"].transcript())  # turned reminders off

    await chat.mark()
    await chat.press(listed, "🔔 Nudge them all")  # a second press the same day: no second nudge
    again = await chat.wait_for(lambda m: "Nudges queued" in m.text)
    assert "Nudges queued: 0" in again.text and "Already nudged today: 3" in again.text

    learner = learners["L5"]
    await learner.send("/stats")
    refused = await learner.wait_for(lambda m: m.from_bot and "staff" in m.text)
    assert refused.text == "Sorry, this is for the course staff only. Nothing was changed."
    assert not any(m.media is not None for m in await learner.transcript())


async def _workbook(client: SandboxClient, chat):  # type: ignore[no-untyped-def]
    sheet = await chat.wait_for(lambda m: m.media is not None
                                and m.media.file_name.endswith(".xlsx"), timeout=30)
    archive = await chat.wait_for(lambda m: m.media is not None
                                  and m.media.file_name.endswith(".zip"), timeout=30)
    book = load_workbook(io.BytesIO(await client.download(sheet.media.file_id)))
    with zipfile.ZipFile(io.BytesIO(await client.download(archive.media.file_id))) as files:
        learners_csv = files.read("python-basics-learners.csv")
    return sheet, book, learners_csv


async def test_export_gives_learner_data_with_contacts_only_to_an_owner(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11 (analytics) /export: a coordinator gets the .xlsx and the .zip of .csv at once, without
    phone and email; an owner (who may also export the course files) picks "learner data" from two
    buttons and gets them with phone and email."""
    _app, owner, coordinator, learners = await _course_with_learners(start_bot, client, clock)
    chat = coordinator.in_chat(ADMIN_CHAT_ID)
    await chat.mark()
    await chat.send("/export")
    sheet, book, learners_csv = await _workbook(client, chat)
    assert "Phone and email are in owners' exports only" in sheet.text
    rows = list(book[book.sheetnames[0]].iter_rows(values_only=True))
    assert len(rows) == 8 and "Phone" not in rows[0] and "Email" not in rows[0]
    assert len(list(book[book.sheetnames[2]].iter_rows())) == 1 + 30  # every answer
    assert learners_csv.startswith(b"\xef\xbb\xbf") and "Әлия Құдайберген".encode() in learners_csv
    assert b"+77010000001" not in learners_csv

    owner_chat = owner.in_chat(ADMIN_CHAT_ID)
    await owner_chat.send("/export")
    asked = await owner_chat.wait_for(lambda m: m.from_bot and "What to export?" in m.text)
    assert [button.text for row in asked.buttons for button in row] == [
        "📦 Course files (.zip to edit)", "📊 Learner data (.xlsx, .csv)"]
    await owner_chat.mark()
    await owner.mark()
    await owner_chat.press(asked, "📊 Learner data (.xlsx, .csv)")
    # issue 11 fix item 1: in the admin chat (every coordinator reads it) the files come without phone
    # and email; the owner's copy with them goes to the owner's private chat, and the group is told so.
    sheet, book, learners_csv = await _workbook(client, owner_chat)
    rows = list(book[book.sheetnames[0]].iter_rows(values_only=True))
    assert "Phone" not in rows[0] and "Email" not in rows[0] and b"+77010000001" not in learners_csv
    told = await owner_chat.wait_for(lambda m: m.from_bot and "private chat" in m.text)
    assert told.text == ("These files are without phone and email, as everyone in this chat sees them. The copy "
                         "with phone and email was sent to your private chat with the bot.")
    for posted in await owner_chat.transcript():
        if posted.media is not None and posted.media.file_name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(await client.download(posted.media.file_id))) as files:
                assert b"+77010000001" not in files.read("python-basics-learners.csv")
    sheet, book, learners_csv = await _workbook(client, owner)
    rows = list(book[book.sheetnames[0]].iter_rows(values_only=True))
    assert "Phone" in rows[0] and "Email" in rows[0]
    aliya = next(row for row in rows if row[0] == learners["L1"].id)
    assert "'+77010000001" in aliya and "l1@example.kz" in aliya  # a leading + is written as text
    assert b"+77010000001" in learners_csv

    await owner_chat.mark()
    await owner_chat.send("/export")  # the buttons went with the first choice: ask again
    asked = await owner_chat.wait_for(lambda m: m.from_bot and "What to export?" in m.text)
    await owner_chat.press(asked, "📦 Course files (.zip to edit)")
    files = await owner_chat.wait_for(lambda m: m.media is not None, timeout=30)
    assert files.media.file_name == "python-basics-v1.zip"


async def test_the_weekly_digest_names_the_flagged_questions_once_a_week(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11 (analytics) weekly digest: the job queues one 'digest' delivery per course and ISO week
    into the outbox; the admin chat receives the figures and the flagged questions; a second run
    in the same week adds nothing, the next week's does."""
    app, _owner, coordinator, _learners = await _course_with_learners(start_bot, client, clock)
    chat = coordinator.in_chat(ADMIN_CHAT_ID)
    assert app.digest is not None and app.outbox is not None
    assert await app.digest.run() == 1
    await app.outbox.drain()
    digest = await chat.wait_for(lambda m: m.from_bot and "Weekly digest" in m.text)
    assert "Enrolled: 7; active in the last 7 days: 2" in digest.text
    lines = digest.text.splitlines()
    assert any(line.startswith("• variables/") and "too easy" in line and "100%" in line for line in lines)
    assert any("negative discrimination" in line and "-0.11" in line for line in lines)
    assert sum("too hard" in line for line in lines) == 2
    assert await app.digest.run() == 0  # the same ISO week: its dedupe key is taken
    clock.advance(days=7)
    assert await app.digest.run() == 1


async def test_export_of_a_course_taught_but_not_coordinated_gives_its_files(
        start_bot: AppFactory, client: SandboxClient, clock: ManualClock) -> None:
    """issue 11 (analytics) /export: a coordinator of no course who teaches python-basics asks for it by
    name and gets the course files (the instructor's /export), not a refusal."""
    both = await client.new_user("Bota", language_code="en")
    app, _owner, _coordinator, _learners = await _course_with_learners(start_bot, client, clock, both)
    await hold_role(app, both.id, Role.INSTRUCTOR, course="python-basics")
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:  # a coordinator of another course (made for the test)
        from bot.db.models import Course
        other = Course(slug="other-course", is_published=True, created_at=clock.now())
        uow.session.add(other)
        await uow.session.flush()
        await uow.staff.add(both.id, Role.COORDINATOR.value, other.id, None, clock.now())
        await uow.commit()
    chat = both.in_chat(ADMIN_CHAT_ID)
    await chat.send("/export python-basics")
    files = await chat.wait_for(lambda m: m.from_bot and m.media is not None, timeout=30)
    assert files.media.file_name == "python-basics-v1.zip"
