"""Course media in the bot's own store: what a version's rows hold, and what the store refuses
(services and the store on real files and a real SQLite database)."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from bot.db.uow import UnitOfWorkFactory
from bot.media_store import MediaRefused, MediaStore, MediaUnavailable
from bot.services.clock import ManualClock
from bot.services.course_import import CourseImporter, ImportResult
from bot.telegram.media import MediaResolver, NoFollowInputFile
from content import SAMPLE_COURSE_DIR, CourseValidationError, load_course


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def _publish(uow_factory: UnitOfWorkFactory, clock: ManualClock, course: Path,
                   store: MediaStore | None) -> ImportResult:
    async with uow_factory() as uow:
        result = await CourseImporter(uow, clock, store).publish(load_course(course))
        await uow.commit()
    return result


async def _media_bodies(uow_factory: UnitOfWorkFactory, course_id: int) -> list[dict]:
    async with uow_factory() as uow:
        course = await uow.courses.get(course_id)
        assert course is not None and course.current_version_id is not None
        bodies = []
        for lecture in await uow.courses.lectures(course.current_version_id):
            bodies += [chunk.body[chunk.kind] for chunk in await uow.courses.chunks(lecture.id)
                       if chunk.kind in ("video", "file")]
            bodies += (lecture.lab or {}).get("files", [])
        return bodies


@pytest.fixture
def course(tmp_path: Path) -> Path:
    copy = tmp_path / "python-basics"
    shutil.copytree(SAMPLE_COURSE_DIR, copy)
    return copy


async def test_a_published_version_names_its_media_by_store_key_not_by_path(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, course: Path, tmp_path: Path) -> None:
    """issue 9 item 4: the rows hold `{file: <as written>, stored: <sha256><suffix>}`; no path
    of the folder the course was loaded from."""
    store = MediaStore(tmp_path / "data" / "media")
    result = await _publish(uow_factory, clock, course, store)
    bodies = await _media_bodies(uow_factory, result.course_id)
    assert {"file": "media/week1.mp4", "stored": f"{_sha(course / 'media/week1.mp4')}.mp4"} in bodies
    lab = next(body for body in bodies if body["file"] == "media/lab1_calc.py")
    assert lab["stored"] == f"{_sha(course / 'media/lab1_calc.py')}.py"
    # Each language's own copy of a lab file is stored under its language too.
    assert lab["kk"] == {"file": "media/kk/lab1_calc.py", "stored": f"{_sha(course / 'media/kk/lab1_calc.py')}.py"}
    assert str(course) not in json.dumps(bodies)
    stored = [copy for body in bodies for copy in body.values() if isinstance(copy, dict)]
    for body in [*bodies, *stored]:
        assert (store.root / body["stored"]).read_bytes() == (course / body["file"]).read_bytes()


async def test_loading_again_a_version_from_before_the_store_moves_its_media_into_the_store(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, course: Path, tmp_path: Path) -> None:
    """issue 9 item 4: a version with absolute paths (loaded before the store existed) is replaced
    by the same content with stored media on the next load; after that the load is unchanged."""
    legacy = await _publish(uow_factory, clock, course, None)
    assert all(Path(body["file"]).is_absolute() for body in await _media_bodies(uow_factory, legacy.course_id))

    store = MediaStore(tmp_path / "data" / "media")
    moved = await _publish(uow_factory, clock, course, store)
    assert (moved.is_new_version, moved.version_number) == (True, 2)
    assert all(body.get("stored") for body in await _media_bodies(uow_factory, moved.course_id))
    again = await _publish(uow_factory, clock, course, store)
    assert (again.is_new_version, again.version_number) == (False, 2)


async def test_a_media_file_turned_into_a_symlink_after_validation_is_not_copied(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, course: Path, tmp_path: Path) -> None:
    """issue 9 item 4: the store opens the file itself without following a link (a swap between
    validation and copy), and the course is not published."""
    spec = load_course(course)
    (course / "media" / "week1.mp4").unlink()
    (course / "media" / "week1.mp4").symlink_to("/etc/passwd")
    store = MediaStore(tmp_path / "data" / "media")
    async with uow_factory() as uow:
        with pytest.raises(CourseValidationError, match="week1.mp4: is a symbolic link"):
            await CourseImporter(uow, clock, store).publish(spec)
    passwd = Path("/etc/passwd").read_bytes()
    assert not any(path.read_bytes() == passwd for path in store.root.iterdir())


def test_the_store_refuses_what_is_not_a_regular_file_of_its_own(tmp_path: Path) -> None:
    """issue 9 item 4: a key that is not a digest, a symlink planted in the store, a file outside
    the course folder: each refused."""
    store = MediaStore(tmp_path / "media")
    source = tmp_path / "course" / "a.txt"
    source.parent.mkdir()
    source.write_bytes(b"lecture notes")
    key = store.put(source, source.parent)
    assert key == f"{hashlib.sha256(b'lecture notes').hexdigest()}.txt"
    assert store.checked(key)[0].read_bytes() == b"lecture notes"
    inode = (store.root / key).stat().st_ino
    assert store.put(source, source.parent) == key  # loaded again: the stored file is kept as it is
    assert (store.root / key).stat().st_ino == inode
    assert not [path for path in store.root.iterdir() if path.name.startswith(".incoming-")]

    with pytest.raises(MediaUnavailable):
        store.checked("../../etc/passwd")
    planted = "0" * 64 + ".mp4"
    (store.root / planted).symlink_to("/etc/passwd")
    with pytest.raises(MediaUnavailable, match="not a regular file"):
        store.checked(planted)
    with pytest.raises(MediaUnavailable, match="missing"):
        store.checked("1" * 64 + ".mp4")
    with pytest.raises(MediaRefused, match="outside the course folder"):
        store.put(Path("/etc/passwd"), source.parent)


async def test_a_stored_file_is_resolved_by_key_with_its_own_name_also_as_a_language_copy(
        uow_factory: UnitOfWorkFactory, clock: ManualClock, tmp_path: Path) -> None:
    """issue 9 item 4: what the presenter is handed for a stored file (directly, or as a language's
    copy picked by `media_for_locale`, `{file: {file, stored}}`) is that store file under the name
    the author gave it; a key whose file is gone is MediaUnavailable."""
    store = MediaStore(tmp_path / "media")
    source = tmp_path / "course" / "media" / "kk" / "lab1.py"
    source.parent.mkdir(parents=True)
    source.write_bytes(b"print('salem')")
    key = store.put(source, tmp_path / "course")
    entry = {"file": "media/kk/lab1.py", "stored": key}
    async with uow_factory() as uow:
        resolver = MediaResolver(uow, clock, store)
        for given in (entry, {"file": entry}):
            upload, _ = await resolver.resolve(given, "", 1)
            assert isinstance(upload, NoFollowInputFile)
            assert (upload.filename, Path(upload.path).read_bytes()) == ("lab1.py", b"print('salem')")
        (store.root / key).unlink()
        with pytest.raises(MediaUnavailable):
            await resolver.resolve(entry, "", 1)
