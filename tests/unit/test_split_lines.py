"""Long texts are cut into messages Telegram accepts, at line ends."""
from __future__ import annotations

from bot.telegram.presenter import split_lines


def test_short_text_is_one_part() -> None:
    assert split_lines("a\nb", 100) == ["a\nb"]


def test_parts_respect_the_budget_and_keep_every_line() -> None:
    lines = [f"<b>Week {n}</b>: " + "x" * (n % 37) for n in range(400)]
    parts = split_lines("\n".join(lines), 500)
    assert all(len(part) <= 500 for part in parts)
    assert "\n".join(parts).split("\n") == lines


def test_a_line_longer_than_a_message_is_cut_at_a_space() -> None:
    line = " ".join(["word"] * 300)
    parts = split_lines(line, 200)
    assert all(len(part) <= 200 for part in parts)
    assert " ".join(parts).split() == line.split()
