"""Content at the edge of Telegram's limits still reaches the learner whole."""
from __future__ import annotations

from pathlib import Path

import yaml

from sandbox.client import SandboxClient
from sandbox.html_entities import parse_html
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


def _linked_paragraph(count: int) -> str:
    return " ".join(f'<a href="https://example.org/page/{n}?a=1&amp;b=2">source number {n}</a> says &quot;{n}&quot;.'
                    for n in range(count))


def _long_paragraph_course(folder: Path) -> Path:
    """The mini course whose first chunk is one paragraph far past 4096 characters of HTML, full of links."""
    course = yaml.safe_load(MINI_COURSE.read_text(encoding="utf-8"))
    intro = course["weeks"][0]["lectures"][0]["chunks"][0]
    intro["text"] = {locale: _linked_paragraph(110) for locale in ("kk", "ru", "en")}
    folder.mkdir()
    path = folder / "long.yaml"
    path.write_text(yaml.safe_dump(course, allow_unicode=True, width=100_000), encoding="utf-8")
    return path


async def test_a_paragraph_past_4096_characters_with_links_reaches_the_learner_whole(
        start_bot: AppFactory, client: SandboxClient, tmp_path: Path) -> None:
    """issue 9 item 1: a paragraph line past 4096 characters with <a href>s (a 400 "can't parse
    entities" on every /lesson before) is sent without a refusal, every word and link shown."""
    paragraph = _linked_paragraph(110)
    assert len(paragraph) > 4096
    await start_bot(content_dir=_long_paragraph_course(tmp_path / "courses").parent)
    user = await client.new_user("Reader", language_code="en")
    await user.send("/start")
    picker = await user.wait_for(lambda m: "Choose your language" in m.text)
    await user.press(picker, next(text for text in picker.button_texts if "English" in text))
    await user.wait_for(lambda m: "Next ▶" in m.button_texts)
    await user.send("/lesson")  # again: the same chunk, sent whole once more
    await user.wait_for(lambda m: "Next ▶" in m.button_texts)
    shown = [m for m in await user.wait_quiet() if m.from_bot and "source number" in m.text]
    refused = [call for call in await client.calls() if call["status"] == 400]
    assert not refused, refused
    expected = " ".join(parse_html(paragraph)[0].split())
    for copy in (shown[: len(shown) // 2], shown[len(shown) // 2:]):
        seen = " ".join(" ".join(m.text for m in copy).split())
        assert expected in seen
        links = {entity["url"] for m in copy for entity in m.entities if entity["type"] == "text_link"}
        assert links == {f"https://example.org/page/{n}?a=1&b=2" for n in range(110)}
