"""Every interface string exists in kk, ru and en, with the right plural forms."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
PLURAL_COUNTS = {"en": 2, "kk": 2, "ru": 3}


def _catalog(locale: str):  # type: ignore[no-untyped-def]
    with (LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)


def _template_ids(folder: Path) -> set[str]:
    """Extract the msgids from the code now, so a string added without a catalog update fails.
    Into the test's own folder: the three locales' tests run side by side on xdist workers, and one
    read a template another was still writing (a msgid cut short, "not in the catalog")."""
    out = folder / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(ROOT / "babel.cfg"),
         "-k", "_:1,1t", "-k", "_:1,2", "-k", "__", "--no-location", "-o", str(out), str(ROOT)],
        check=True, cwd=ROOT,
    )
    with out.open("rb") as source:
        return {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(source) if message.id}


@pytest.mark.parametrize("locale", ["kk", "ru", "en"])
def test_every_msgid_in_the_code_is_translated(locale: str, tmp_path: Path) -> None:
    catalog = _catalog(locale)
    assert catalog.num_plurals == PLURAL_COUNTS[locale]
    by_id = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}
    missing = []
    for msgid in sorted(_template_ids(tmp_path)):
        message = by_id.get(msgid)
        if message is None:
            missing.append(f"not in the catalog: {msgid!r}")
            continue
        assert not message.fuzzy, f"{locale}: fuzzy entry {msgid!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # English is the source language: an empty English entry means "the msgid itself".
        if locale != "en" and (not strings or not all(strings) or len(strings) not in (1, catalog.num_plurals)):
            missing.append(f"untranslated: {msgid!r}")
    assert not missing, f"{locale}: " + "; ".join(missing[:10])


def test_placeholders_survive_translation() -> None:
    import re

    pattern = re.compile(r"\{[a-z_]+(?::[^}]*)?\}")
    for locale in ("kk", "ru"):
        for message in _catalog(locale):
            if not message.id:
                continue
            sources = message.id if isinstance(message.id, tuple) else (message.id,)
            allowed = set().union(*(pattern.findall(source) for source in sources))
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for translated in strings:
                assert set(pattern.findall(translated)) <= allowed, f"{locale}: {message.id!r} -> {translated!r}"
