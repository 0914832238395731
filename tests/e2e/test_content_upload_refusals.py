"""issue 10, broken uploads: each gets its precise error, and the published course is unchanged."""
from __future__ import annotations

import io
import zipfile

import yaml

from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.conftest import MINI_COURSE
from tests.e2e.conftest import AppFactory
from tests.e2e.content_steps import INSTRUCTOR_ID, WAIT, grant_staff, rows, staff_admin_chat, zipped_sample

MINI = MINI_COURSE.read_text(encoding="utf-8")


def line_of(text: str, needle: str, after: int = 0) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line and number > after)


def too_long_for_telegram() -> str:
    """Every field within the format's limits, but the self-check shown with its answer is over 4096."""
    course = yaml.safe_load(MINI)
    course["weeks"][0]["lectures"][0]["chunks"].append({
        "key": "check", "type": "self_check", "title": {locale: "Check" for locale in ("kk", "ru", "en")},
        "question": {locale: "😀" * 590 for locale in ("kk", "ru", "en")},
        "options": [{"text": {locale: "😀" * 190 + f" {n}" for locale in ("kk", "ru", "en")}, "correct": n == 1}
                    for n in range(6)],
        "explanation": {locale: "😀" * 580 + f" {locale}-self" for locale in ("kk", "ru", "en")},
    })
    return yaml.safe_dump(course, allow_unicode=True, width=100_000)


def bomb() -> bytes:
    """A small zip that declares (and holds) 60 MB of zeros in one member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("python-basics/course.yaml", "slug: bomb\n")
        archive.writestr("python-basics/media/zeros.bin", bytes(60 * 1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024
    return buffer.getvalue()


async def test_broken_uploads_get_their_precise_error_and_change_nothing(sandbox: Sandbox, client: SandboxClient,
                                                                        start_bot: AppFactory) -> None:
    """issue 10 (broken uploads): before, any document got "I did not understand that". The instructor
    reads Telegram's language (kk), the validator's reasons too (issue 10 leftover), with file and line."""
    app = await start_bot(admin_chat_id=staff_admin_chat(sandbox))
    await grant_staff(app)
    before = await rows(app, "SELECT id, slug, current_version_id FROM courses ORDER BY id")
    versions = await rows(app, "SELECT id, state FROM course_versions ORDER BY id")
    instructor = client.user(INSTRUCTOR_ID)

    syntax = MINI.replace("workload_hours: 2", "workload_hours: [2")
    no_correct = MINI.replace("          en: right 1\n        correct: true\n", "          en: right 1\n", 1)
    missing_kk = MINI.replace("        kk: Intro text of lecture 1 (kk)\n", "", 1)
    long_text = too_long_for_telegram()
    cases: list[tuple[str, bytes, list[str]]] = [
        ("mini.yaml", syntax.encode(), [f"mini.yaml:{line_of(syntax, 'workload_hours') + 1}: YAML синтаксис қатесі",
                                         f"{line_of(syntax, 'workload_hours')}-жолдың 17-бағанында ашылған […] "
                                         "тізімі жабылмаған"]),
        ("mini.yaml", no_correct.encode(), [f"mini.yaml:{line_of(no_correct, 'options:', line_of(no_correct, 'key: q1'))}: ",
                                             "Бірде-бір нұсқа “correct: true” деп белгіленбеген"]),
        ("mini.yaml", missing_kk.encode(), [f"mini.yaml:{line_of(missing_kk, 'Intro text of lecture 1') - 1}", "kk"]),
        ("mini.yaml", long_text.encode(), [f"mini.yaml:{line_of(long_text, 'kk-self')}", "message is too long"]),
        ("escape.zip", zipped_sample(extra={"../evil.txt": b"x"}), ["../evil.txt", "курс қалтасынан тыс"]),
        ("bomb.zip", bomb(), ["zeros.bin", "zip-бомба"]),
        ("big.zip", bytes(30 * 1024 * 1024), ["20 МБ", "Ештеңе өзгерген жоқ"]),
        ("latin1.yaml", "slug: caf\xe9\n".encode("latin-1"), ["latin1.yaml", "UTF-8"]),
    ]
    for filename, data, expected in cases:
        mark = await instructor.mark()
        await instructor.send_document(data, filename=filename)
        answer = await instructor.wait_for(lambda m: m.text.startswith("⛔"), timeout=WAIT, since=mark)
        for words in expected:
            assert words in answer.text, (filename, words, answer.text[-600:])
    assert await rows(app, "SELECT id, slug, current_version_id FROM courses ORDER BY id") == before
    assert await rows(app, "SELECT id, state FROM course_versions ORDER BY id") == versions
    assert await rows(app, "SELECT count(*) FROM content_audit") == [(0,)]


async def test_a_long_error_list_comes_as_an_attached_txt(sandbox: Sandbox, client: SandboxClient,
                                                           start_bot: AppFactory) -> None:
    """issue 10 (upload report): past a few messages, every error is in one attached .txt, none lost."""
    await grant_staff(await start_bot(admin_chat_id=staff_admin_chat(sandbox)))
    instructor = client.user(INSTRUCTOR_ID)
    broken = MINI.replace("  kk: ", "  kz: ")  # every kk text misnamed: two errors each
    await instructor.send_document(broken.encode(), filename="mini.yaml")
    header = await instructor.wait_for(lambda m: m.text.startswith("⛔"), timeout=WAIT)
    attached = await instructor.wait_for(lambda m: m.media is not None and m.media.kind == "document",
                                         timeout=WAIT)
    assert attached.media is not None and attached.media.file_name == "mini.yaml-errors.txt"
    lines = (await client.download(attached.media.file_id)).decode().splitlines()
    assert f": {len(lines)})" in header.text  # "(қателер: N)": the count of the lines attached
    assert len(lines) > 100 and all(line.startswith("mini.yaml:") for line in lines)
    assert any("“kk” аудармасы жоқ" in line for line in lines)  # in the instructor's language (issue 10 leftover)
