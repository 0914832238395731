"""Numbers and names shared by the schema, the rules and the loader."""

from __future__ import annotations

LOCALES = ("kk", "ru", "en")
FALLBACK_LOCALE = "en"

DEFAULT_QUIZ_SIZE = 5
DEFAULT_PASS_SCORE = 3
MAX_QUIZ_SIZE = 20
MAX_FINAL_TEST_SIZE = 50

# Telegram allows 4096 characters in a message and 1024 in a caption; we keep room for the
# headers and buttons labels the bot adds ("Week 2 · Lecture 3 · 2/5").
MAX_TEXT_CHARS = 3500
MAX_CAPTION_CHARS = 900
MAX_QUESTION_CHARS = 600
MAX_OPTION_CHARS = 200
MAX_TITLE_CHARS = 200

MAX_SLUG_CHARS = 64  # a Telegram deep-link payload: t.me/<bot>?start=<slug>
MAX_KEY_CHARS = 32
MIN_OPTIONS = 2
MAX_OPTIONS = 6

# Bots may upload at most 50 MB per file through the Bot API.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
