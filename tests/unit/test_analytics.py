"""Funnel, item and stalled-learner figures on a seeded course equal the hand-computed values;
the learner-data export holds the rows (issue 11, analytics). A real SQLite file per test."""
from __future__ import annotations

import csv
import io
import math
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.db.models import Delivery
from bot.db.uow import UnitOfWorkFactory
from bot.services.analytics import AnalyticsService
from bot.services.analytics_export import LearnerDataExporter, csv_zip_bytes, workbook_bytes
from bot.services.clock import ManualClock
from bot.services.item_analysis import ItemFlag, analyse_items, point_biserial
from tests.unit.analytics_seed import NOW, Seeded, seed

USERS = {f"L{n}": 900_000 + n for n in range(1, 8)}


@pytest.fixture
async def seeded(uow_factory: UnitOfWorkFactory, mini_course: int, clock: ManualClock) -> Seeded:
    clock.advance(seconds=(NOW - clock.now()).total_seconds())
    return await seed(uow_factory, "mini", USERS)


async def test_funnel_figures_equal_the_hand_computed_ones(uow_factory: UnitOfWorkFactory, clock: ManualClock,
                                                           seeded: Seeded) -> None:
    """issue 11 (analytics) /stats: enrolled, active in 7 days, reached/attempted/passed per lecture,
    attempts to pass, median time, completions, certificates (a revoked one does not count)."""
    async with uow_factory() as uow:
        analytics = AnalyticsService(uow, clock)
        stats = await analytics.stats(await analytics.choose_course("mini", "stats"))
    assert (stats.enrolled, stats.active_7_days, stats.completed, stats.certificates) == (7, 2, 1, 1)
    first, second = stats.lectures
    assert (first.key, first.reached, first.attempted, first.passed) == ("l1", 6, 6, 2)
    assert first.average_attempts_to_pass == 1.0  # L5 and L6 passed at their first attempt
    assert first.median_minutes_to_pass == 60.0  # median of 30 and 90 minutes
    assert (second.key, second.reached, second.attempted, second.passed) == ("l2", 2, 2, 1)
    assert second.average_attempts_to_pass == 2.0  # L5: failed, then passed; L6's running attempt is no pass
    assert second.median_minutes_to_pass == 240.0
    assert stats.average_attempts_to_pass == pytest.approx(4 / 3)  # (1 + 1 + 2) / 3
    assert stats.median_minutes_to_pass == 90.0  # median of 30, 90, 240


async def test_item_figures_equal_the_hand_computed_ones(uow_factory: UnitOfWorkFactory, seeded: Seeded) -> None:
    """issue 11 (analytics) item analysis: share correct, share per option, corrected point-biserial,
    and the flags too easy / too hard / negative discrimination."""
    async with uow_factory() as uow:
        items = analyse_items(await uow.analytics.answers(seeded.course_id), ["l1", "l2"])
    by_key = {item.question_key: item for item in items}
    q1, q2, q3, q4, q5 = (by_key[key] for key in seeded.question_keys)
    assert [item.answers for item in items] == [6] * 5

    assert q1.share_correct == 1.0 and q1.discrimination is None  # everyone right: no spread
    assert q1.flags == (ItemFlag.TOO_EASY,)

    # q2: right for L5 (rest 3) and L6 (rest 2); wrong for L1-L4 (rest 1, 1, 1, 2).
    # M1 = 2.5, M0 = 1.25, rest scores 1 1 1 2 3 2: mean 5/3, variance 5/9; p = 1/3.
    assert q2.share_correct == pytest.approx(1 / 3)
    assert q2.discrimination == pytest.approx((2.5 - 1.25) / math.sqrt(5 / 9) * math.sqrt(1 / 3 * 2 / 3))
    assert q2.discrimination == pytest.approx(0.790569, abs=1e-6)
    assert q2.flags == ()
    correct = q2.correct_index
    shares = {(correct + step) % 3: share for step, share in ((0, 2 / 6), (1, 2 / 6), (2, 2 / 6))}
    assert q2.option_shares == pytest.approx(tuple(shares[index] for index in range(3)))

    # q3: right for L4 (rest 1) and L6 (rest 2); wrong for L1, L2, L3 (rest 1) and L5 (rest 4).
    # M1 = 1.5, M0 = 1.75, rest scores 1 1 1 1 4 2: mean 5/3, variance 11/9; p = 1/3.
    assert q3.discrimination == pytest.approx((1.5 - 1.75) / math.sqrt(11 / 9) * math.sqrt(2 / 9))
    assert q3.discrimination == pytest.approx(-0.106600, abs=1e-6)
    assert q3.flags == (ItemFlag.NEGATIVE,)
    # q3's wrong answers: L1, L2, L5 the option after the right one, L3 the one after that.
    after, last = (q3.correct_index + 1) % 3, (q3.correct_index + 2) % 3
    assert (q3.option_shares[q3.correct_index], q3.option_shares[after], q3.option_shares[last]) == \
        pytest.approx((2 / 6, 3 / 6, 1 / 6))

    # q4 and q5: only L5 right: 1/6 <= 20 %.
    assert q4.share_correct == pytest.approx(1 / 6) and ItemFlag.TOO_HARD in q4.flags
    assert q5.share_correct == pytest.approx(1 / 6) and ItemFlag.TOO_HARD in q5.flags


def test_point_biserial_is_undefined_without_spread_and_symmetric() -> None:
    """issue 11 (analytics): an item everyone gets right, or a criterion with no spread, has no index."""
    assert point_biserial([True, True, True], [1, 2, 3]) is None
    assert point_biserial([True, False, True], [2, 2, 2]) is None
    assert point_biserial([True, False], [1, 0]) == pytest.approx(1.0)
    assert point_biserial([False, True], [1, 0]) == pytest.approx(-1.0)


async def test_stalled_learners_longest_first_and_one_nudge_each_per_day(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, seeded: Seeded) -> None:
    """issue 11 (analytics) /stuck: not finished, no step for 3 days, blocked ones left out, longest
    first; the nudge queues one 'nudge' delivery per learner who keeps stalled reminders on, and a
    second press the same day queues none."""
    async with uow_factory() as uow:
        analytics = AnalyticsService(uow, clock)
        course = await analytics.choose_course(None, "stuck")
        stuck = await analytics.stuck(course)
        assert [learner.user_id for learner in stuck] == [USERS["L7"], USERS["L1"], USERS["L2"], USERS["L4"]]
        assert [learner.days for learner in stuck] == [11, 9, 9, 9]
        assert [learner.lecture_key for learner in stuck] == ["l1"] * 4
        assert [learner.locale for learner in stuck] == ["en", "kk", "ru", "kk"]
        await uow.begin_write()
        result = await analytics.nudge(course, lambda learner: {"method": "sendMessage",
                                                                "params": {"text": learner.name}})
        await uow.commit()
    assert (result.queued, result.skipped_opted_out, result.already_nudged) == (3, 1, 0)
    async with uow_factory() as uow:
        again = await AnalyticsService(uow, clock).nudge(course, lambda learner: {"method": "sendMessage",
                                                                                 "params": {"text": "x"}})
        await uow.commit()
        rows = (await uow.session.execute(select(Delivery.kind, Delivery.chat_id, Delivery.state))).all()
    assert (again.queued, again.already_nudged) == (0, 3)
    assert sorted(rows) == sorted(("nudge", USERS[label], "pending") for label in ("L7", "L1", "L4"))


@pytest.mark.parametrize("owner", [False, True])
async def test_the_workbook_and_the_csv_files_hold_every_row(uow_factory: UnitOfWorkFactory, seeded: Seeded,
                                                             owner: bool) -> None:
    """issue 11 (analytics) /export: learners, progress, every answer and the item analysis, in an
    .xlsx that openpyxl opens and in UTF-8-with-BOM .csv files; phone and email only for an owner."""
    async with uow_factory() as uow:
        course = await AnalyticsService(uow, ManualClock()).choose_course("mini", "export")
        data = await LearnerDataExporter(uow).collect(course, "kk", with_contacts=owner)
    book = load_workbook(io.BytesIO(workbook_bytes(data)))
    assert book.sheetnames == ["learners", "progress", "answers", "items"]
    learners = list(book["learners"].iter_rows(values_only=True))
    assert len(learners) == 1 + 7 and len(list(book["progress"].iter_rows())) == 1 + 8
    assert len(list(book["answers"].iter_rows())) == 1 + 30 and len(list(book["items"].iter_rows())) == 1 + 5
    header = learners[0]
    assert ("phone" in header, "email" in header) == (owner, owner)
    aliya = next(row for row in learners if row[0] == USERS["L1"])
    assert aliya[1] == "Әлия Құдайберген"
    # A phone's leading "+" could start a formula: it is written as text (issue 11 fix item 3).
    assert ("'+77010000001" in aliya) == owner and ("l1@example.kz" in aliya) == owner

    with zipfile.ZipFile(io.BytesIO(csv_zip_bytes(data))) as archive:
        names = archive.namelist()
        assert names == [f"mini-{table}.csv" for table in ("learners", "progress", "answers", "items")]
        raw = archive.read("mini-learners.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 8 and any(row[1] == "Әлия Құдайберген" for row in rows)
    assert ("+77010000001" in raw.decode("utf-8-sig")) == owner


async def test_a_coordinator_sees_only_the_courses_granted(uow_factory: UnitOfWorkFactory, clock: ManualClock,
                                                           mini_course: int) -> None:
    """issue 11 (analytics): /stats, /stuck and /export settle on a course through the coordinator's
    grants: another course is refused, several ask which, an unknown one names the choice."""
    from bot.services.analytics import AnalyticsRefused, CourseChoiceProblem
    from bot.services.course_import import CourseImporter
    from bot.services.staff import Role, StaffService
    from content import load_course
    from tests.conftest import MINI_COURSE

    async with uow_factory() as uow:
        other = await CourseImporter(uow, clock).publish(load_course(MINI_COURSE).model_copy(update={"slug": "other"}))
        await uow.staff.add(42, Role.COORDINATOR.value, other.course_id, None, clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        staff = StaffService(uow, clock, frozenset({7}))
        mine = AnalyticsService(uow, clock, staff.scope(42, Role.COORDINATOR))
        assert (await mine.choose_course(None, "stats")).slug == "other"  # the only course granted
        with pytest.raises(AnalyticsRefused) as refused:
            await mine.choose_course("mini", "stats")
        assert refused.value.problem is CourseChoiceProblem.NOT_YOURS
        with pytest.raises(AnalyticsRefused) as refused:
            await mine.course_by_id(mini_course, "stuck")  # a forged nudge button for the other course
        assert refused.value.problem is CourseChoiceProblem.NOT_YOURS
        owner = AnalyticsService(uow, clock, staff.scope(7, Role.COORDINATOR))
        with pytest.raises(AnalyticsRefused) as refused:
            await owner.choose_course(None, "export")
        assert (refused.value.problem, refused.value.slugs) == (CourseChoiceProblem.CHOOSE, ("mini", "other"))
        with pytest.raises(AnalyticsRefused) as refused:
            await owner.choose_course("nope", "stats")
        assert (refused.value.problem, refused.value.detail) == (CourseChoiceProblem.UNKNOWN_COURSE, "nope")


async def test_a_learners_text_that_looks_like_a_formula_stays_text_in_the_workbook_and_the_csv(
        uow_factory: UnitOfWorkFactory, seeded: Seeded) -> None:
    """issue 11 fix item 3: a learner named =HYPERLINK("http://evil","x") (or -2+3, @SUM(1), a tab...)
    is written with a leading apostrophe in the .xlsx and the .csv files, so no spreadsheet program
    runs it; other texts and numbers are as they were."""
    evil = '=HYPERLINK("http://evil","x")'
    names = {"L1": evil, "L2": "-2+3", "L4": "@SUM(1)", "L5": "\tcmd", "L6": "+1"}
    async with uow_factory() as uow:
        await uow.begin_write()
        for label, name in names.items():
            user = await uow.users.get(USERS[label])
            assert user is not None
            user.full_name = name
        await uow.commit()
    async with uow_factory() as uow:
        course = await AnalyticsService(uow, ManualClock()).choose_course("mini", "export")
        data = await LearnerDataExporter(uow).collect(course, "en", with_contacts=True)

    sheet = load_workbook(io.BytesIO(workbook_bytes(data)))["learners"]
    by_id = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    for label, name in names.items():
        cell = by_id[USERS[label]][1]
        assert cell.data_type == "s" and cell.value == "'" + name
    assert not by_id[USERS["L3"]][1].value.startswith("'")
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)

    with zipfile.ZipFile(io.BytesIO(csv_zip_bytes(data))) as archive:
        rows = list(csv.reader(io.StringIO(archive.read("mini-learners.csv").decode("utf-8-sig"))))
    csv_names = {int(row[0]): row[1] for row in rows[1:]}
    for label, name in names.items():
        assert csv_names[USERS[label]] == "'" + name
    assert not csv_names[USERS["L3"]].startswith("'")
