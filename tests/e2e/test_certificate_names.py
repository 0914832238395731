"""The name printed on a certificate: one rule whatever its source (Telegram, /profile, the
certificate step), a long name kept on the page, Arabic joined, CJK asked to be re-typed."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from bot.app import Talimger
from bot.db.models import Certificate
from sandbox.client import ChatUser, SandboxClient
from tests.e2e.certificate_steps import seed_lectures_passed
from tests.e2e.conftest import PUBLIC_BASE_URL
from tests.e2e.driver import CourseKey, LearnerDriver
from tests.pdf_tools import embedded_glyph_names, pdf_text, render_first_page

REASONS = {
    "markup": "does not look like a name",
    "invisible": "invisible or control characters",
    "unprintable": "letters the certificate can print",
    "length": "must be 2 to 128 characters",
}
# Telegram lets a person call themselves anything; none of these may reach the certificate.
BAD_NAMES = [
    pytest.param('"><script>alert(1)</script>', "markup", id="markup"),
    pytest.param("Aigerim \u202eavokydaS", "invisible", id="right-to-left-override"),
    pytest.param("Ai\u200bgerim", "invisible", id="zero-width-space"),
    pytest.param("\u3164", "invisible", id="hangul-filler"),
    pytest.param("\u3164\u3164 \u3164", "invisible", id="hangul-fillers"),
    pytest.param("王小明", "unprintable", id="cjk"),
]
LONG_NAME = ("Maximiliano Alejandro Bartholomew de la Santísima Trinidad Fernández-Olmedo "
             "Kairatuly Zhanibekov Nurmagambetov Sultanbek")


async def learner_at_the_certificate(client: SandboxClient, app: Talimger, key: CourseKey, first_name: str,
                                     locale: str = "en") -> tuple[ChatUser, LearnerDriver]:
    user = await client.new_user(first_name, language_code=locale)
    learner = LearnerDriver(user, key, locale)
    await learner.start()
    await seed_lectures_passed(app, user.id, final_test_passed=True)
    return user, learner


async def certificate_pdf(client: SandboxClient, user: ChatUser) -> bytes:
    document = await user.wait_for(lambda m: m.media.kind == "document")
    assert document.media is not None
    return await client.download(document.media.file_id)


async def confirm_typed_name(user: ChatUser, learner: LearnerDriver, name: str) -> None:
    """Type `name` where the bot asked for it, and press "Yes" under it."""
    await user.send(name)
    question = await user.wait_for(lambda m: learner.words["name_yes"] in m.button_texts)
    assert name in question.text
    await user.press(question, learner.words["name_yes"])


@pytest.mark.parametrize(("telegram_name", "reason"), BAD_NAMES)
async def test_a_telegram_name_that_breaks_the_name_rule_is_replaced_by_a_typed_one(
        telegram_name: str, reason: str, bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 7: the Telegram name is never printed unchecked; the learner is asked for a name, told why."""
    user, learner = await learner_at_the_certificate(client, bot_app, course_key, telegram_name)
    await user.send("/certificate")
    request = await user.wait_for(lambda m: "cannot be printed on the certificate" in m.text)
    assert REASONS[reason] in request.text
    assert learner.words["name_yes"] not in request.button_texts and "Cancel" in request.button_texts
    assert telegram_name not in request.text

    await confirm_typed_name(user, learner, "Aigerim Sadykova")
    await user.wait_for(lambda m: "Congratulations" in m.text)
    text = pdf_text(await certificate_pdf(client, user))
    assert "Aigerim Sadykova" in text and "script" not in text
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        names = list(await uow.session.scalars(select(Certificate.holder_name)))
    assert names == ["Aigerim Sadykova"]


@pytest.mark.parametrize(("typed", "reason"), [*BAD_NAMES, pytest.param("A" * 129, "length", id="129-letters")])
async def test_profile_refuses_the_same_names_and_says_why(typed: str, reason: str, bot_app: Talimger,
                                                           client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 7: /profile applies the same rule as the certificate, with a reason."""
    learner = LearnerDriver(await client.new_user("Asel", language_code="en"), course_key, "en")
    await learner.start()
    user = learner.user
    await user.send("/profile")
    card = await user.wait_for(lambda m: "Your profile" in m.text)
    await user.press(card, "✏️ Change name")
    await user.wait_for(lambda m: "full name" in m.text)
    await user.send(typed)
    refusal = await user.wait_for(lambda m: REASONS[reason] in m.text)
    assert "Cancel" in refusal.button_texts
    assert bot_app.uow_factory is not None
    async with bot_app.uow_factory() as uow:
        row = await uow.users.get(user.id)
    assert row is not None and row.full_name is None


async def test_a_kazakh_refusal_is_in_kazakh(bot_app: Talimger, client: SandboxClient,
                                             course_key: CourseKey) -> None:
    """issue 9 item 7: the request for a printable name is in the learner's language."""
    user, learner = await learner_at_the_certificate(client, bot_app, course_key, "王小明", locale="kk")
    await user.send("/certificate")
    request = await user.wait_for(lambda m: "сертификатқа басып шығару мүмкін емес" in m.text)
    assert "латын немесе кирилл" in request.text


def dark_pixels(png: Path, box_mm: tuple[float, float, float, float], dpi: int) -> int:
    """How many dark pixels the page image has inside (left, top, right, bottom), in millimetres."""
    with Image.open(png) as image:
        scale = dpi / 25.4
        region = image.convert("L").crop(tuple(round(value * scale) for value in box_mm))
        return sum(region.histogram()[:128])


async def test_a_120_character_name_wraps_to_two_lines_inside_the_frame(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey, tmp_path: Path) -> None:
    """issue 9 item 7: a long name shrinks, then wraps to at most two lines, and never leaves the page."""
    assert len(LONG_NAME) == 120
    user, learner = await learner_at_the_certificate(client, bot_app, course_key, "Maximiliano")
    await user.send("/profile")
    card = await user.wait_for(lambda m: "Your profile" in m.text)
    await user.press(card, "✏️ Change name")
    await user.wait_for(lambda m: "full name" in m.text)
    await user.send(LONG_NAME)
    await user.wait_for(lambda m: "Name: " + LONG_NAME in m.text)
    await user.send("/certificate")
    await user.press(await user.wait_for(lambda m: learner.words["name_yes"] in m.button_texts),
                     learner.words["name_yes"])
    pdf = await certificate_pdf(client, user)

    lines = [line for line in pdf_text(pdf).splitlines() if line.strip() and line.strip() in LONG_NAME]
    assert 1 <= len(lines) <= 2 and " ".join(line.strip() for line in lines) == LONG_NAME, lines
    dpi = 100
    png = render_first_page(pdf, tmp_path / "long-name.png", dpi=dpi)
    # The name sits between "This certifies that" and "has successfully completed": beside it, out
    # to the page's edges and in the gap between the two frame lines, the page stays blank.
    band_top, band_bottom = 62.0, 87.0
    assert dark_pixels(png, (0, band_top, 11.0, band_bottom), dpi) == 0
    assert dark_pixels(png, (286.0, band_top, 297.0, band_bottom), dpi) == 0
    assert dark_pixels(png, (13.0, band_top, 14.5, band_bottom), dpi) == 0
    assert dark_pixels(png, (282.6, band_top, 284.0, band_bottom), dpi) == 0
    assert dark_pixels(png, (30.0, band_top, 267.0, band_bottom), dpi) > 0


async def test_an_arabic_name_is_printed_joined_and_right_to_left(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 7: Arabic letters take their joined forms (HarfBuzz shaping), in reading order."""
    name = "محمد عبد الله"
    user, learner = await learner_at_the_certificate(client, bot_app, course_key, name)
    await user.send("/certificate")
    question = await user.wait_for(lambda m: learner.words["name_yes"] in m.button_texts)
    assert name in question.text  # a Telegram name that passes the rule is offered as it is
    await user.press(question, learner.words["name_yes"])
    congratulation = await user.wait_for(lambda m: "Congratulations" in m.text)
    assert f"{PUBLIC_BASE_URL}/c/" in congratulation.text
    pdf = await certificate_pdf(client, user)
    glyphs = embedded_glyph_names(pdf)
    # ﻣ (initial meem), ﺤ (medial hah), ﺪ (final dal), ﻟ (initial lam): the joined forms.
    assert {"uniFEE3", "uniFEA4", "uniFEAA", "uniFEDF"} <= glyphs, sorted(glyphs)
    assert name in pdf_text(pdf)  # drawn right to left, so it reads back in its own order
