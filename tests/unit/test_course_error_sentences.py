"""Every reason kind the validator can give has a whole sentence in the bot's catalogs, and each
sentence takes exactly the named values its reason carries (issue 10 leftover)."""
from __future__ import annotations

import ast
import re
from string import Formatter
from pathlib import Path

from aiogram.utils.i18n import I18n

from bot.telegram.i18n import create_i18n
from bot.telegram.texts_course_errors import _SENTENCES, error_line
from content.errors import CourseError, params_of

ROOT = Path(__file__).resolve().parents[2]
# content/errors.py only passes kinds on (`kinded`); the others name them.
SOURCES = [*sorted(p for p in (ROOT / "content").glob("*.py") if p.name != "errors.py"),
           *(ROOT / "bot" / name
             for name in ("telegram/course_check.py", "media_store.py", "services/course_import.py"))]
KIND_POSITION = {"CourseReason": 1, "Reason": 1, "CourseError": 3, "Issue": 3}
# The YAML loader and the HTML checker also keep kinds in tables and tuples: every "yaml_…" or
# "html_…" literal there is one (issue 12).
SYNTAX_SOURCES = ("yaml_lines.py", "telegram_html.py")
SYNTAX_KIND = re.compile(r"(yaml|html)_[a-z_]+")


def _strings(node: ast.AST) -> set[str]:
    """The plain string literals in `node` (an f-string's pieces are no kind)."""
    pieces = {id(leaf) for joined in ast.walk(node) if isinstance(joined, ast.JoinedStr) for leaf in ast.walk(joined)}
    return {leaf.value for leaf in ast.walk(node)
            if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str) and id(leaf) not in pieces}


def _first_of_tuples(node: ast.AST) -> set[str]:
    if isinstance(node, ast.IfExp):
        return _first_of_tuples(node.body) | _first_of_tuples(node.orelse)
    return _strings(node.elts[0]) if isinstance(node, ast.Tuple) else set()


def kinds_in_sources() -> set[str]:
    kinds: set[str] = set()
    for source in SOURCES:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        if source.name in SYNTAX_SOURCES:
            kinds |= {s for s in _strings(tree) if SYNTAX_KIND.fullmatch(s)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KIND_POSITION:
                kinds |= {s for keyword in node.keywords if keyword.arg == "kind" for s in _strings(keyword.value)}
                position = KIND_POSITION[node.func.id]
                if len(node.args) > position:
                    kinds |= _strings(node.args[position])
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith("_KINDS")
                                                      for t in node.targets):
                assert isinstance(node.value, ast.Dict)
                kinds |= {s for value in node.value.values if value is not None for s in _strings(value)}
            elif isinstance(node, ast.FunctionDef) and node.name == "reason_kind":
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and ret.value is not None:
                        kinds |= _first_of_tuples(ret.value)
    return kinds


def test_every_reason_kind_of_the_validator_has_a_sentence() -> None:
    kinds = kinds_in_sources()
    assert {"duplicate_lecture_key", "bank_below_course_quiz_size", "missing_translation", "file_not_found",
            "yaml_tab", "yaml_syntax", "html_tag_never_closed", "html_bare_ampersand"} <= kinds
    assert kinds - set(_SENTENCES) == set()


def test_each_sentence_fills_in_every_language(tmp_path: Path) -> None:
    """A placeholder a translation misspells would fall back to English: none does."""
    i18n: I18n = create_i18n("en")
    for kind, sentence in _SENTENCES.items():
        names = [name for _, name, _, _ in Formatter().parse(sentence._args[0]) if name]
        error = CourseError(tmp_path / "course.yaml", 3, "english", kind, params_of({name: "X" for name in names}))
        for locale in ("kk", "ru", "en"):
            with i18n.context(), i18n.use_locale(locale):
                line = error_line(error, tmp_path)
            assert line.startswith("course.yaml:3: ") and "english" not in line, (kind, locale, line)
