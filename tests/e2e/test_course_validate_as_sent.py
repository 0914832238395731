"""`talimger course validate` checks the course as the bot will send it, not only field by field."""
from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import MINI_COURSE
from tests.e2e.conftest import AppFactory
from tests.e2e.test_cli import _talimger


def _course_telegram_would_refuse(path: Path, slug: str = "mini") -> Path:
    """The mini course, every field within the format's limits, but with a self-check whose message
    (with its answer and explanation) is too long for Telegram in every language."""
    course = yaml.safe_load(MINI_COURSE.read_text(encoding="utf-8"))
    course["slug"] = slug
    course["weeks"][0]["lectures"][0]["chunks"].append({
        "key": "check", "type": "self_check", "title": {locale: "Check" for locale in ("kk", "ru", "en")},
        "question": {locale: "😀" * 590 for locale in ("kk", "ru", "en")},
        "options": [{"text": {locale: "😀" * 190 + f" {n}" for locale in ("kk", "ru", "en")}, "correct": n == 1}
                    for n in range(6)],
        "explanation": {locale: "😀" * 580 + f" {locale}-self" for locale in ("kk", "ru", "en")},
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(course, allow_unicode=True, width=100_000), encoding="utf-8")
    return path


async def test_course_validate_rejects_a_message_telegram_would_refuse_with_file_and_line(tmp_path: Path) -> None:
    """issue 9 item 1: every field within the format's limits, but the self-check's message with
    its answer and explanation is too long for Telegram in every language; nothing is loaded."""
    path = _course_telegram_would_refuse(tmp_path / "course.yaml")
    code, out, err = await _talimger(tmp_path, "course", "validate", str(path))
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if line.startswith(str(path))]
    numbers = {locale: next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                            if f"{locale}-self" in text) for locale in ("kk", "ru", "en")}
    assert [int(re.match(rf"{re.escape(str(path))}:(\d+): ", line).group(1)) for line in lines] == sorted(numbers.values())
    assert all("Telegram would refuse" in line and "message is too long" in line for line in lines)
    assert "3 error(s); nothing was loaded." in err


async def test_a_content_dir_course_telegram_would_refuse_is_not_loaded_at_first_start(
        start_bot: AppFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """issue 9 item 1 (review item 5): the course CONTENT_DIR offers at first start gets the same
    rendered check as `talimger course load`: the refused one is logged and skipped, the next loads."""
    courses = tmp_path / "courses"
    _course_telegram_would_refuse(courses / "a-refused.yaml", slug="refused")
    shutil.copy(MINI_COURSE, courses / "b-mini.yaml")
    with caplog.at_level(logging.ERROR):
        app = await start_bot(content_dir=courses)
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        assert [course.slug for course in await uow.courses.published()] == ["mini"]
    assert any("a-refused.yaml" in record.getMessage() and "Telegram would refuse" in record.getMessage()
               for record in caplog.records)
