"""Catalogs are a build product: start-up refuses to run without them (issue 12 item 3)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.telegram.i18n import LOCALES_DIR, compile_catalogs, create_i18n


def test_a_missing_catalog_stops_start_up_naming_the_build_step(tmp_path: Path) -> None:
    """issue 12 item 3: without the compiled .mo the bot would show kk and ru learners English; it
    refuses with one line that names `make locales`, and writes nothing."""
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    before = sorted(path.name for path in locales.rglob("*"))
    with pytest.raises(ConfigError, match=r"catalog .*messages\.mo is not compiled.*make locales"):
        create_i18n("en", locales)
    assert sorted(path.name for path in locales.rglob("*")) == before


def test_the_build_step_compiles_what_start_up_reads(tmp_path: Path) -> None:
    """issue 12 item 3: `make locales` (compile_catalogs) writes each .mo; then start-up reads them."""
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    written = compile_catalogs(locales)
    assert sorted(path.parent.parent.name for path in written) == ["en", "kk", "ru"]
    assert compile_catalogs(locales) == []  # nothing stale: nothing written
    i18n = create_i18n("en", locales)
    assert i18n.gettext("Something went wrong", locale="ru") != "Something went wrong"
