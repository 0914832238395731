"""Logging for the `talimger` command: one level, quiet libraries, and the bot token in no line.

aiohttp and aiogram put the token into the URLs they print (`…/bot123:ABC/getMe`), in messages
and in exception text alike, so every record is redacted on its way out, tracebacks included.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from urllib.parse import quote

from aiohttp.http_exceptions import HttpProcessingError

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "<BOT_TOKEN>"
# Libraries that report routine work at INFO: font subsetting for every certificate (dozens of
# lines each), Alembic's plugin and context lines, APScheduler's two lines a minute, aiogram's
# per-update and polling lines. Their warnings and errors still show.
QUIET_LOGGERS = ("fontTools", "alembic", "apscheduler", "aiogram.event", "aiogram.dispatcher")
# aiohttp logs a malformed request (a URL over 8 KB, a header line too long, garbage on the
# port) as an error with a traceback. It is the visitor's mistake, answered 400: one debug line.
http_log = logging.getLogger("bot.web.http")


class ClientErrorsAreDebug(logging.Filter):
    """Drops aiohttp's error record for a malformed request; a debug line says what was refused."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            if http_log.isEnabledFor(logging.DEBUG):
                http_log.debug("refused a malformed request (%s %s)", error.code, error.message.splitlines()[0][:200])
            return False
        return True


class Redactor:
    """Replaces each secret, and its URL-encoded forms, with a mask."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            forms.update({secret, quote(secret, safe=""), quote(secret)})
            _, _, tail = secret.partition(":")
            if len(tail) >= 8:  # the secret half of a bot token is enough to use it
                forms.update({tail, quote(tail, safe="")})
        self._forms = sorted(forms, key=len, reverse=True)  # the whole token before its tail

    def __call__(self, text: str) -> str:
        for form in self._forms:
            text = text.replace(form, MASK)
        return text

    def __bool__(self) -> bool:
        return bool(self._forms)


class RedactingFilter(logging.Filter):
    """Formats a record's message and traceback once, with the secrets masked."""

    _formatter = logging.Formatter()

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.redact:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, masked, rather than lose the record
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(level: str, secrets: Iterable[str | None] = ()) -> Redactor:
    """Root handler on stderr at `level`, libraries quieted, secrets masked; returns the masker."""
    redact = Redactor(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter(redact))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = logging.WARNING if logging.getLevelName(level) > logging.DEBUG else logging.NOTSET
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    logging.captureWarnings(True)  # warnings go through the same handler, masked too
    # The sandbox's aiohttp server (the browser chat) logs a malformed request with a traceback too.
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(existing, ClientErrorsAreDebug) for existing in server_log.filters):
        server_log.addFilter(ClientErrorsAreDebug())
    return redact
