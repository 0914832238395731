"""/export's zip: the upload format, and a round trip that makes the same course.

issue 10 (export): export → load that zip's folder with content.load_course → publish into a
fresh database gives the same rows (course, version and its content hash, lectures, chunks
with their bodies, questions, options, labs, settings)."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.db.migrate import upgrade_to_head
from bot.db.models import Chunk, Course, CourseVersion, Lecture, Question
from bot.db.session import create_engine, create_session_factory
from bot.db.uow import UnitOfWorkFactory
from bot.media_store import MediaStore
from bot.services.clock import ManualClock
from bot.services.course_export import CourseExport, CourseExporter, ExportProblem, ExportRefused
from bot.services.course_import import CourseImporter
from content import SAMPLE_COURSE_DIR, load_course
from tests.conftest import MINI_COURSE

SKIPPED = {"id", "course_id", "version_id", "lecture_id", "current_version_id", "created_at", "source_dir"}


async def _database(path: Path) -> tuple[Any, UnitOfWorkFactory]:
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(engine)
    return engine, UnitOfWorkFactory(create_session_factory(engine))


async def _publish(factory: UnitOfWorkFactory, source: Path, store: MediaStore) -> None:
    async with factory() as uow:
        await CourseImporter(uow, ManualClock(), store).publish(load_course(source))
        await uow.commit()


async def _export(factory: UnitOfWorkFactory, store: MediaStore, slug: str | None = None,
                  number: int | None = None) -> CourseExport | ExportRefused:
    async with factory() as uow:
        try:
            return await CourseExporter(uow, store).export(slug, number)
        except ExportRefused as refused:
            return refused


def _columns(row: Any) -> dict[str, Any]:
    return {column.name: getattr(row, column.key) for column in row.__table__.columns
            if column.name not in SKIPPED}


async def _rows(factory: UnitOfWorkFactory) -> dict[str, list[dict[str, Any]]]:
    """Every course row a learner's content comes from, without ids, times and folders."""
    async with factory() as uow:
        session = uow.session
        found: dict[str, list[dict[str, Any]]] = {}
        for name, model, order in (("courses", Course, Course.id), ("versions", CourseVersion, CourseVersion.id),
                                   ("lectures", Lecture, Lecture.id), ("chunks", Chunk, Chunk.id),
                                   ("questions", Question, Question.id)):
            found[name] = [_columns(row) for row in (await session.scalars(select(model).order_by(order))).all()]
        return found


async def _round_trip(source: Path, tmp_path: Path) -> tuple[CourseExport, dict, dict]:
    engine_a, first = await _database(tmp_path / "first.db")
    engine_b, second = await _database(tmp_path / "second.db")
    try:
        store_a, store_b = MediaStore(tmp_path / "media-a"), MediaStore(tmp_path / "media-b")
        await _publish(first, source, store_a)
        exported = await _export(first, store_a)
        assert isinstance(exported, CourseExport), exported
        folder = tmp_path / "unzipped"
        with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
            archive.extractall(folder)
        await _publish(second, folder, store_b)
        return exported, await _rows(first), await _rows(second)
    finally:
        await engine_a.dispose()
        await engine_b.dispose()


async def test_the_sample_course_exported_and_loaded_again_gives_the_same_rows(tmp_path: Path) -> None:
    """issue 10 export: the sample course (media files, per-language copies, final test, language_default)."""
    course = tmp_path / "python-basics"
    shutil.copytree(SAMPLE_COURSE_DIR, course)
    exported, before, after = await _round_trip(course, tmp_path)
    assert after == before
    assert before["versions"][0]["content_hash"] == load_course(course).content_hash
    assert exported.filename == "python-basics-v1.zip"


async def test_the_mini_course_exported_and_loaded_again_gives_the_same_rows(tmp_path: Path) -> None:
    """issue 10 export: a one-file course comes back as a folder that loads to the same course."""
    _exported, before, after = await _round_trip(MINI_COURSE, tmp_path)
    assert after == before
    assert len(before["questions"]) > 5 and before["chunks"]


async def test_the_zip_holds_course_yaml_lectures_and_media_with_their_bytes(tmp_path: Path) -> None:
    """issue 10 export: course.yaml, lectures/*.yaml and media/ under their written names, same bytes;
    the YAML is for a person: block style, Kazakh and Russian as letters, long texts as | blocks."""
    course = tmp_path / "python-basics"
    shutil.copytree(SAMPLE_COURSE_DIR, course)
    engine, factory = await _database(tmp_path / "talimger.db")
    try:
        store = MediaStore(tmp_path / "media")
        await _publish(factory, course, store)
        exported = await _export(factory, store)
    finally:
        await engine.dispose()
    assert isinstance(exported, CourseExport)
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        names = set(archive.namelist())
        media = {path.relative_to(course).as_posix() for path in (course / "media").rglob("*") if path.is_file()}
        assert {"course.yaml", "lectures/01-variables.yaml", "lectures/04-collections.yaml"} <= names
        assert media <= names, media - names
        for name in media:
            assert archive.read(name) == (course / name).read_bytes(), name
        course_yaml = archive.read("course.yaml").decode()
        lecture_yaml = archive.read("lectures/01-variables.yaml").decode()
    assert "Python бағдарламалау негіздері" in course_yaml and "\\u" not in course_yaml
    assert "Основы программирования на Python" in course_yaml and "{" not in course_yaml
    assert "text: |" in lecture_yaml or "kk: |" in lecture_yaml
    assert yaml.safe_load(course_yaml)["language_default"] == "kk"


async def test_a_file_id_source_stays_a_file_id_and_a_choice_is_asked_among_courses(
        tmp_path: Path) -> None:
    """issue 10 export: a video sent to Telegram stays `file_id:` in the YAML; with two courses
    and none named, the exporter asks which; an unknown version is refused."""
    text = MINI_COURSE.read_text(encoding="utf-8").replace("url: https://example.org/v1.mp4",
                                                           "file_id: BAACAgIAAxkBAAIB")
    text = text.replace("slug: mini", "slug: mini-two")
    second_course = tmp_path / "mini-two.yaml"
    second_course.write_text(text, encoding="utf-8")
    engine, factory = await _database(tmp_path / "talimger.db")
    try:
        store = MediaStore(tmp_path / "media")
        await _publish(factory, MINI_COURSE, store)
        await _publish(factory, second_course, store)
        choice = await _export(factory, store)
        exported = await _export(factory, store, "mini-two")
        unknown = await _export(factory, store, "mini", 7)
    finally:
        await engine.dispose()
    assert isinstance(choice, ExportRefused) and choice.problem is ExportProblem.CHOOSE
    assert choice.slugs == ("mini", "mini-two")
    assert isinstance(unknown, ExportRefused) and unknown.problem is ExportProblem.UNKNOWN_VERSION
    assert isinstance(exported, CourseExport)
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        lecture = yaml.safe_load(archive.read("lectures/01-l1.yaml"))
    demo = next(chunk for chunk in lecture["chunks"] if chunk["key"] == "demo")
    assert demo["video"] == {"file_id": "BAACAgIAAxkBAAIB"}


async def test_what_the_columns_lose_comes_back_as_written(tmp_path: Path) -> None:
    """issue 10 export: a cohort `start:`, quiet hours off, a release time, a final test without an
    attempt limit and a lecture's own quiz size equal to the course's come back as written, so the
    content hash (and every row) is the same."""
    text = MINI_COURSE.read_text(encoding="utf-8")
    text = text.replace("settings:\n  quiz_size: 5\n  pass_score: 3\n",
                        "language_default: ru\nsettings:\n  quiz_size: 5\n  pass_score: 3\n"
                        "  release: {mode: cohort, start: 2026-03-02, time: \"09:00\"}\n  quiet_hours: \"off\"\n"
                        "  final_test: {size: 5, pass_percent: 80}\n")
    text = text.replace("  - key: l1\n", "  - key: l1\n    quiz_size: 5\n    pass_score: 3\n")
    course = tmp_path / "mini.yaml"
    course.write_text(text, encoding="utf-8")
    spec = load_course(course)
    assert spec.settings.release.start is not None and spec.lectures[0].quiz_size == 5
    exported, before, after = await _round_trip(course, tmp_path)
    assert after == before
    assert before["versions"][0]["content_hash"] == spec.content_hash
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        written = yaml.safe_load(archive.read("course.yaml"))
    assert written["settings"]["release"] == {"mode": "cohort", "start": "2026-03-02", "time": "09:00"}
    assert written["language_default"] == "ru"


async def test_a_version_loaded_before_the_media_store_exports_its_files_from_its_folder(tmp_path: Path) -> None:
    """issue 10 export: a version whose rows name absolute paths (no media store then) still exports,
    its files under their paths relative to the course folder; a vanished file is reported by name."""
    course = tmp_path / "python-basics"
    shutil.copytree(SAMPLE_COURSE_DIR, course)
    engine, factory = await _database(tmp_path / "talimger.db")
    try:
        async with factory() as uow:
            await CourseImporter(uow, ManualClock(), None).publish(load_course(course))
            await uow.commit()
        store = MediaStore(tmp_path / "media")
        exported = await _export(factory, store)
        (course / "media" / "week3.mp4").unlink()
        missing = await _export(factory, store)
    finally:
        await engine.dispose()
    assert isinstance(exported, CourseExport)
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        assert archive.read("media/week1.mp4") == (SAMPLE_COURSE_DIR / "media/week1.mp4").read_bytes()
        assert archive.read("media/kk/lab1_calc.py") == (SAMPLE_COURSE_DIR / "media/kk/lab1_calc.py").read_bytes()
    assert isinstance(missing, ExportRefused) and missing.problem is ExportProblem.MEDIA_MISSING
    assert "media/week3.mp4" in missing.detail
