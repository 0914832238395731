"""The page's language: ?lang= first, then the browser's Accept-Language, then the default."""
from __future__ import annotations

from bot.config import SUPPORTED_LOCALES


def _base(tag: str) -> str:
    base = tag.strip().lower().replace("_", "-").split("-")[0]
    return "kk" if base == "kz" else base


def accepted_languages(header: str) -> list[str]:
    """Language bases from an Accept-Language header, most wanted first."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and quality > 0:
            ranked.append((-quality, position, _base(tag)))
    return [base for _, _, base in sorted(ranked)]


def page_language(query_lang: str | None, accept_language: str | None, default: str) -> str:
    if query_lang and _base(query_lang) in SUPPORTED_LOCALES:
        return _base(query_lang)
    for base in accepted_languages(accept_language or ""):
        if base in SUPPORTED_LOCALES:
            return base
    return default
