"""gettext catalogs: compiled from the .po files when they are newer than the .mo files."""
from __future__ import annotations

import logging
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT

LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"
log = logging.getLogger(__name__)


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> None:
    """Write every stale .mo, so a fresh clone runs without a separate compile step."""
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalog = read_po(source, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as target:
            write_mo(target, catalog)
        log.debug("compiled %s", mo_path)


def create_i18n(default_locale: str, locales_dir: Path = LOCALES_DIR) -> I18n:
    compile_catalogs(locales_dir)
    return I18n(path=locales_dir, default_locale=default_locale, domain=DOMAIN)
