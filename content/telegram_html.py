"""Checks that a text is Telegram-flavoured HTML that `parse_mode=HTML` will accept.

Telegram rejects a whole message for one stray `<` or an unknown tag, so course texts are
checked when the course is loaded, not when a learner reaches them.  Rules (from the Bot
API "HTML style" section, narrowed to what courses need):

* tags: b, i, u, s, code, pre, a (with href only), blockquote; nothing else, no attributes
  except `href` on `<a>`;
* every tag closed, properly nested; nothing inside <code>; only <code> inside <pre>;
  no tag nested in itself;
* a literal `<`, `>` or `&` must be written `&lt;` / `&gt;` / `&amp;` (the Bot API asks
  for all three); named entities are limited to &lt; &gt; &amp; &quot; (numeric ones like
  &#8212; are fine).

These rules are stricter than Telegram's own parser, one field at a time. The messages the bot
composes from them are read the way Telegram reads them in `content/telegram_split.py`.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

ALLOWED_TAGS = ("b", "i", "u", "s", "code", "pre", "a", "blockquote")
ALLOWED_ENTITIES = ("lt", "gt", "amp", "quot")
LINK_SCHEMES = ("http://", "https://", "tg://", "mailto:")
# An '&' that does not start a complete entity (html.parser silently drops some of them).
_BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")


def _snippet(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.visible: list[str] = []

    def _problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._problem(
                f"<{tag}> is not allowed (use only {', '.join(ALLOWED_TAGS)}; "
                "write a literal '<' as &lt;)"
            )
            return
        names = [name for name, _ in attrs]
        if tag == "a":
            href = dict(attrs).get("href")
            if names != ["href"] or not href:
                self._problem('<a> needs exactly one attribute: href="…"')
            elif not href.startswith(LINK_SCHEMES):
                self._problem(f"<a href> must start with http://, https://, tg:// or mailto: (got {href!r})")
        elif names:
            self._problem(f"<{tag}> takes no attributes (found {', '.join(names)})")
        if "code" in self.stack or ("pre" in self.stack and tag != "code"):
            self._problem(f"<{tag}> cannot be placed inside <code> or <pre>")
        if tag in self.stack:
            self._problem(f"<{tag}> cannot be nested inside another <{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._problem(f"<{tag}/> is not allowed (Telegram HTML has no self-closing tags; use a line break)")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self._problem(f"</{tag}> is not allowed")
            return
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        elif tag in self.stack:
            self._problem(f"</{tag}> closes <{tag}> before the inner <{self.stack[-1]}> is closed")
            while self.stack.pop() != tag:
                pass
        else:
            self._problem(f"</{tag}> has no matching <{tag}>")

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self._problem("a bare '<' must be written &lt;")
        if ">" in data:
            self._problem("a bare '>' must be written &gt;")
        if "&" in data:
            self._problem("a bare '&' must be written &amp;")
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ALLOWED_ENTITIES:
            self._problem(f"&{name}; is not supported (use &lt; &gt; &amp; &quot; or a numeric &#…; entity)")
        self.visible.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.visible.append(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self._problem("HTML comments <!-- --> are not allowed")

    def handle_decl(self, decl: str) -> None:
        self._problem(f"<!{_snippet(decl)}> is not allowed")

    def unknown_decl(self, data: str) -> None:
        self._problem(f"<![{_snippet(data)}]> is not allowed")

    def handle_pi(self, data: str) -> None:
        self._problem(f"<?{_snippet(data)}> is not allowed")


def _run(text: str) -> _Checker:
    checker = _Checker()
    if _BARE_AMPERSAND.search(text):
        checker._problem("a bare '&' must be written &amp;")
    checker.feed(text)
    checker.close()
    for tag in reversed(checker.stack):
        checker._problem(f"<{tag}> is never closed")
    return checker


def html_problems(text: str) -> list[str]:
    """Everything Telegram would reject in `text`; an empty list means it is fine."""
    return _run(text).problems


def visible_text(text: str) -> str:
    """The text a reader sees: tags dropped, entities decoded (length limits count this)."""
    return "".join(_run(text).visible)
