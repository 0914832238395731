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

from content.errors import Reason

ALLOWED_TAGS = ("b", "i", "u", "s", "code", "pre", "a", "blockquote")
ALLOWED_ENTITIES = ("lt", "gt", "amp", "quot")
LINK_SCHEMES = ("http://", "https://", "tg://", "mailto:")
# An '&' that does not start a complete entity (html.parser silently drops some of them).
_BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_BARE_AMPERSAND_PROBLEM = ("a bare '&' must be written &amp;", "html_bare_ampersand")


def _snippet(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[Reason] = []
        self.visible: list[str] = []

    def _problem(self, message: str, kind: str, **params: str) -> None:
        """`message` in English; `kind` and `params` make it a whole sentence in the reader's language."""
        if message not in self.problems:
            self.problems.append(Reason(message, kind, **params))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._problem(
                f"<{tag}> is not allowed (use only {', '.join(ALLOWED_TAGS)}; "
                "write a literal '<' as &lt;)",
                "html_tag_not_allowed", tag=tag, tags=", ".join(ALLOWED_TAGS),
            )
            return
        names = [name for name, _ in attrs]
        if tag == "a":
            href = dict(attrs).get("href")
            if names != ["href"] or not href:
                self._problem('<a> needs exactly one attribute: href="…"', "html_link_needs_href")
            elif not href.startswith(LINK_SCHEMES):
                self._problem(f"<a href> must start with http://, https://, tg:// or mailto: (got {href!r})",
                              "html_link_scheme", href=href)
        elif names:
            self._problem(f"<{tag}> takes no attributes (found {', '.join(names)})",
                          "html_tag_takes_no_attributes", tag=tag, names=", ".join(names))
        if "code" in self.stack or ("pre" in self.stack and tag != "code"):
            self._problem(f"<{tag}> cannot be placed inside <code> or <pre>", "html_tag_inside_code", tag=tag)
        if tag in self.stack:
            self._problem(f"<{tag}> cannot be nested inside another <{tag}>", "html_tag_nested_in_itself", tag=tag)
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._problem(f"<{tag}/> is not allowed (Telegram HTML has no self-closing tags; use a line break)",
                      "html_self_closing_tag", tag=tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS:
            self._problem(f"</{tag}> is not allowed", "html_end_tag_not_allowed", tag=tag)
            return
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        elif tag in self.stack:
            self._problem(f"</{tag}> closes <{tag}> before the inner <{self.stack[-1]}> is closed",
                          "html_closed_before_inner", tag=tag, inner=self.stack[-1])
            while self.stack.pop() != tag:
                pass
        else:
            self._problem(f"</{tag}> has no matching <{tag}>", "html_end_tag_unmatched", tag=tag)

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self._problem("a bare '<' must be written &lt;", "html_bare_less_than")
        if ">" in data:
            self._problem("a bare '>' must be written &gt;", "html_bare_greater_than")
        if "&" in data:
            self._problem(*_BARE_AMPERSAND_PROBLEM)
        self.visible.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ALLOWED_ENTITIES:
            self._problem(f"&{name}; is not supported (use &lt; &gt; &amp; &quot; or a numeric &#…; entity)",
                          "html_entity_not_supported", entity=f"&{name};")
        self.visible.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.visible.append(html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self._problem("HTML comments <!-- --> are not allowed", "html_comment")

    def handle_decl(self, decl: str) -> None:
        self._markup_not_allowed(f"<!{_snippet(decl)}>")

    def unknown_decl(self, data: str) -> None:
        self._markup_not_allowed(f"<![{_snippet(data)}]>")

    def handle_pi(self, data: str) -> None:
        self._markup_not_allowed(f"<?{_snippet(data)}>")

    def _markup_not_allowed(self, markup: str) -> None:
        self._problem(f"{markup} is not allowed", "html_markup_not_allowed", markup=markup)


def _run(text: str) -> _Checker:
    checker = _Checker()
    if _BARE_AMPERSAND.search(text):
        checker._problem(*_BARE_AMPERSAND_PROBLEM)
    checker.feed(text)
    checker.close()
    for tag in reversed(checker.stack):
        checker._problem(f"<{tag}> is never closed", "html_tag_never_closed", tag=tag)
    return checker


def html_problems(text: str) -> list[Reason]:
    """Everything Telegram would reject in `text`, each in English with its kind (content/errors.py);
    an empty list means it is fine."""
    return _run(text).problems


def visible_text(text: str) -> str:
    """The text a reader sees: tags dropped, entities decoded (length limits count this)."""
    return "".join(_run(text).visible)
