"""The bot's description speaks for every course: no quiz size written into it."""
from __future__ import annotations

import re

import pytest

from bot.telegram.commands import bot_description
from bot.telegram.i18n import create_i18n

COUNTS = re.compile(r"\b(five|5)\b|пят|\bбес\b", re.IGNORECASE)


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_the_bot_description_does_not_hard_code_the_quiz_size(locale: str) -> None:
    """issue 9 item 18: the quiz size is each course's setting, so the description names none."""
    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale(locale):
        text = bot_description()
    assert text and not COUNTS.search(text), text
    assert len(text) <= 512
