"""Content at the edge of Telegram's limits still reaches the learner whole."""
from __future__ import annotations

from pathlib import Path

import yaml

from sandbox.client import SandboxClient
from tests.conftest import MINI_COURSE
from tests.e2e.conftest import AppFactory


def _long_caption_course(folder: Path) -> Path:
    """The mini course with a video whose title and caption reach the format's own limits."""
    course = yaml.safe_load(MINI_COURSE.read_text(encoding="utf-8"))
    video = course["weeks"][0]["lectures"][0]["chunks"][1]
    video["title"] = {locale: "T" * 200 for locale in ("kk", "ru", "en")}
    video["caption"] = {locale: ("caption " * 112).strip() for locale in ("kk", "ru", "en")}  # 895 characters
    folder.mkdir()
    path = folder / "long.yaml"
    path.write_text(yaml.safe_dump(course, allow_unicode=True), encoding="utf-8")
    return path


async def test_a_caption_too_long_for_telegram_follows_the_video(start_bot: AppFactory, client: SandboxClient,
                                                                 tmp_path: Path) -> None:
    await start_bot(content_dir=_long_caption_course(tmp_path / "courses").parent)
    user = await client.new_user("Viewer", language_code="en")
    await user.send("/start")
    picker = await user.wait_for(lambda m: "Choose your language" in m.text)
    await user.press(picker, next(text for text in picker.button_texts if "English" in text))
    first = await user.wait_for(lambda m: "Next ▶" in m.button_texts)
    await user.press(first, "Next ▶")
    words = await user.wait_for(lambda m: "caption caption" in m.text and "Next ▶" in m.button_texts)
    video = [m for m in await user.transcript() if m.from_bot and m.media is not None][-1]
    assert video.message_id == words.message_id - 1
    assert len(video.caption or "") <= 1024 and "part 2 of 3" in (video.caption or "")
    assert "T" * 200 in words.text and words.text.count("caption") == 112
