"""HTML of the public pages: small string.Template files, every value escaped."""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from html import escape
from pathlib import Path
from string import Template

from bot.services.certificate_labels import CertificateLabels, certificate_date, fact_lines
from bot.services.certificate_views import CertificateFacts

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Each language named in itself, so a reader finds theirs whatever the page shows.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


@cache
def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def _page(lang: str, title: str, body: str) -> str:
    return _template("page.html").substitute(lang=escape(lang), title=escape(title), body=body)


def _languages(lang: str) -> str:
    links = []
    for code, name in LANGUAGE_NAMES.items():
        current = ' class="current" aria-current="page"' if code == lang else ""
        links.append(f'<a href="?lang={code}" hreflang="{code}" lang="{code}"{current}>{escape(name)}</a>')
    return " ".join(links)


def certificate_page(facts: CertificateFacts, labels: CertificateLabels, lang: str, issuer: str) -> str:
    rows = []
    for line in fact_lines(facts, labels, lang, issuer):
        # A code may break anywhere; a name keeps its own direction (Arabic, Hebrew) and is never hyphenated.
        attributes = {labels.code: ' class="code"', labels.name: ' class="name" dir="auto"'}.get(line.label, "")
        rows.append(f'    <div class="fact"><dt>{escape(line.label)}</dt><dd{attributes}>{escape(line.value)}</dd></div>')
    if facts.is_valid:
        state, status, note = "valid", labels.valid, labels.valid_note
    else:
        assert facts.revoked_at is not None
        state, status = "revoked", labels.revoked
        note = labels.revoked_note.format(date=certificate_date(facts.revoked_at, lang, facts.zone))
    replaced = ""
    if facts.replaced_by is not None:
        # Relative, so the link stays on whatever address this page was reached by; the language goes along.
        link = (f'<a href="{escape(facts.replaced_by)}?lang={escape(lang)}" class="code">'
                f'{escape(facts.replaced_by)}</a>')
        replaced = f'  <p class="replaced" id="replaced">{escape(labels.replaced_note).format(link=link)}</p>\n'
    body = _template("certificate.html").substitute(
        state=state, issuer=escape(issuer), heading=escape(labels.title), status=escape(status),
        note=escape(note), replaced=replaced, facts="\n".join(rows), languages=_languages(lang),
    )
    return _page(lang, f"{status} · {labels.title} · {facts.holder_name}", body)


def message_page(heading: str, note: str, lang: str, issuer: str) -> str:
    body = _template("message.html").substitute(issuer=escape(issuer), heading=escape(heading), note=escape(note),
                                                languages=_languages(lang))
    return _page(lang, heading, body)


def home_labels(_: Callable[[str], str]) -> dict[str, str]:
    """The words of the root page (the caller's translate function as `_`, so pybabel finds them)."""
    return {
        "heading": _("Check a certificate"),
        "note": _("Type the code printed on a certificate, or paste its link, to see whether it is valid."),
        "label": _("Certificate code"),
        "button": _("Check"),
    }


def home_page(labels: dict[str, str], lang: str, issuer: str) -> str:
    """The web app's root: the issuer and a "check a certificate" box (GET / ?code=… → /c/<code>)."""
    body = _template("home.html").substitute(issuer=escape(issuer), lang=escape(lang), languages=_languages(lang),
                                             **{key: escape(value) for key, value in labels.items()})
    return _page(lang, f"{labels['heading']} · {issuer}", body)
