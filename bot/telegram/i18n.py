"""gettext catalogs: compiled to .mo at build time (`make`, see `compile_catalogs`), only read at start.

Start-up writes nothing under locales/: the package may be read-only (a container image, a
root-owned install), and several replicas starting at once must not race to write the same file.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT, SUPPORTED_LOCALES, ConfigError

LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"
COMPILE_HINT = "compile them at install: `make locales` (or `pybabel compile -d locales -D messages`)"
log = logging.getLogger(__name__)


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """The build step: write every .mo that is missing or older than its .po; returns those written."""
    written = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as source:
            catalog = read_po(source, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as target:
            write_mo(target, catalog)
        written.append(mo_path)
    return written


def check_catalogs(locales_dir: Path = LOCALES_DIR) -> None:
    """A missing catalog would show its learners English without a word: refuse to start instead.
    One older than its .po only misses the newest texts: a warning."""
    for locale in SUPPORTED_LOCALES:
        po_path = locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.is_file():
            raise ConfigError(f"The {locale} catalog {mo_path} is not compiled; {COMPILE_HINT}")
        if po_path.is_file() and po_path.stat().st_mtime > mo_path.stat().st_mtime:
            log.warning("%s is older than %s: the newest %s texts are missing; %s", mo_path, po_path.name,
                        locale, COMPILE_HINT)


def create_i18n(default_locale: str, locales_dir: Path = LOCALES_DIR) -> I18n:
    check_catalogs(locales_dir)
    return I18n(path=locales_dir, default_locale=default_locale, domain=DOMAIN)


if __name__ == "__main__":
    # `python -m bot.telegram.i18n [LOCALES_DIR]`: what `make locales` runs.
    for path in compile_catalogs(Path(sys.argv[1]) if len(sys.argv) > 1 else LOCALES_DIR):
        print(f"compiled {path}")
