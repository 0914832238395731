"""What the `talimger` command logs: never the bot token, and no library chatter at INFO."""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import GetMe

from bot.logging_setup import MASK, QUIET_LOGGERS, RedactingFilter, Redactor, configure_logging
from bot.services.certificate_labels import certificate_labels
from bot.services.certificate_pdf import render_certificate_pdf
from bot.services.certificate_views import CertificateFacts
from bot.telegram.i18n import create_i18n

TOKEN = "555:SUPERSECRETTOKEN"
LEAKS = (TOKEN, "SUPERSECRETTOKEN", "555%3ASUPERSECRETTOKEN")


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = list(root.handlers), root.level, {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)


def _logger_into(stream: io.StringIO) -> logging.Logger:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter(Redactor([TOKEN])))
    logger = logging.getLogger("tests.redaction")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger


def test_the_token_is_masked_in_messages_arguments_and_tracebacks() -> None:
    """issue 9 item 8: aiohttp and aiogram put the token into URLs, and so into exceptions."""
    stream = io.StringIO()
    log = _logger_into(stream)
    log.info(f"calling https://api.telegram.org/bot{TOKEN}/getMe")
    log.warning("retrying %s after %s", f"/bot{TOKEN}/sendMessage", "https://x/bot555%3ASUPERSECRETTOKEN/getMe")
    try:
        raise TelegramNetworkError(method=GetMe(), message=f"InvalidURL: http://127.0.0.1:99999/bot{TOKEN}/getMe")
    except TelegramNetworkError:
        log.exception("start-up failed for %s", TOKEN, stack_info=True)
    text = stream.getvalue()
    assert "Traceback" in text and "TelegramNetworkError" in text and "Stack (most recent call last)" in text
    assert text.count(MASK) == 5
    for leak in LEAKS:
        assert leak not in text


def test_configure_logging_masks_every_logger_under_the_root(restore_logging: None,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """issue 9 item 8: the filter sits on the root handler, so records of any library pass it."""
    configure_logging("INFO", [TOKEN])
    try:
        raise RuntimeError(f"Cannot connect to http://127.0.0.1:1/bot{TOKEN}/deleteWebhook")
    except RuntimeError:
        logging.getLogger("aiohttp.client").error("request to %s failed", f"/bot{TOKEN}/x", exc_info=True)
    err = capsys.readouterr().err
    assert "RuntimeError: Cannot connect to http://127.0.0.1:1/bot<BOT_TOKEN>/deleteWebhook" in err
    for leak in LEAKS:
        assert leak not in err


def test_a_certificate_pdf_prints_no_font_subsetting_lines_at_info(restore_logging: None,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """issue 9 item 12: fontTools reports every glyph table it subsets at INFO, for each certificate."""
    configure_logging("INFO")
    logging.getLogger("talimger").info("before the certificate")
    i18n = create_i18n("en")
    issued = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc)
    facts = CertificateFacts(code="ABCD-EFGH", holder_name="Әсем Ғалымқызы",
                             course_title={"kk": "Python", "en": "Python"}, issued_at=issued, average_score=90.0, final_test_percent=80.0, lecture_count=4,
                             revoked_at=None)
    labels = certificate_labels(lambda message: i18n.gettext(message, locale="kk"))
    assert render_certificate_pdf(facts, labels, "kk", "https://talimger.test/c/ABCD-EFGH", "Talimger")
    err = capsys.readouterr().err
    assert "before the certificate" in err
    assert "fontTools" not in err


@pytest.mark.parametrize("level", ["WARNING", "ERROR"])
def test_the_level_applies_to_the_bots_own_lines(level: str, restore_logging: None,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level)
    logging.getLogger("bot.app").info("routine")
    logging.getLogger("bot.app").error("broken")
    err = capsys.readouterr().err
    assert "routine" not in err and "broken" in err
