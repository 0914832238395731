"""issue 10 leftover: the validator's reasons reach an instructor in their own language, each a
whole sentence (kk and ru instructors upload one invalid course through the sandbox)."""
from __future__ import annotations

import yaml

from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.conftest import MINI_COURSE
from tests.e2e.conftest import AppFactory
from tests.e2e.content_steps import INSTRUCTOR_ID, RU_INSTRUCTOR_ID, WAIT, rows, start_with_kk_and_ru_instructors


def line_of(text: str, needle: str, after: int = 0) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line and number > after)


def invalid_course() -> str:
    """The mini course with four questions in lecture l1 (a quiz draws five) and l2 keyed l1 too."""
    course = yaml.safe_load(MINI_COURSE.read_text(encoding="utf-8"))
    first, second = course["weeks"][0]["lectures"][0], course["weeks"][1]["lectures"][0]
    first["questions"] = first["questions"][:4]
    second["key"] = "l1"
    return yaml.safe_dump(course, allow_unicode=True, width=100_000, sort_keys=False)


async def test_an_invalid_course_s_reasons_are_read_in_kazakh_and_russian(sandbox: Sandbox, client: SandboxClient,
                                                                          start_bot: AppFactory) -> None:
    """issue 10 leftover: before, "the bank has 4 question(s) but a quiz draws 5" and "duplicate lecture
    key 'l1'" came in English to every instructor, inside a localized report."""
    app = await start_with_kk_and_ru_instructors(sandbox, start_bot)
    versions = await rows(app, "SELECT id, state FROM course_versions ORDER BY id")
    text = invalid_course()
    questions = line_of(text, "questions:")
    second_key = line_of(text, "key: l1", line_of(text, "number: 2"))
    first_key = line_of(text, "key: l1")
    expected = {
        INSTRUCTOR_ID: [
            f"mini.yaml:{questions}: weeks[#1].lectures[l1].questions: Банктегі сұрақтар: 4, ал тест 5 сұрақ алады "
            "(курстың quiz_size мәні). Сұрақ қосыңыз немесе quiz_size мәнін азайтыңыз.",
            f"mini.yaml:{second_key}: weeks[#2].lectures[l1].key: “l1” дәріс кілті екі рет қолданылған "
            f"(алғашқысы: mini.yaml:{first_key}); әр дәрістің өз кілті болуы керек.",
        ],
        RU_INSTRUCTOR_ID: [
            f"mini.yaml:{questions}: weeks[#1].lectures[l1].questions: Вопросов в банке: 4, а тест выбирает 5 "
            "(quiz_size курса). Добавьте вопросы или уменьшите quiz_size.",
            f"mini.yaml:{second_key}: weeks[#2].lectures[l1].key: Ключ лекции «l1» использован дважды "
            f"(впервые: mini.yaml:{first_key}); у каждой лекции должен быть свой ключ.",
        ],
    }
    for user_id, lines in expected.items():
        instructor = client.user(user_id)
        await instructor.send_document(text.encode(), filename="mini.yaml")
        answer = await instructor.wait_for(lambda m: m.text.startswith("⛔"), timeout=WAIT)
        for line in lines:
            assert line in answer.text, answer.text
        assert "duplicate" not in answer.text and "the bank has" not in answer.text
    assert await rows(app, "SELECT id, state FROM course_versions ORDER BY id") == versions
