"""Business rules stay free of Telegram: no service module imports aiogram."""
from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "bot" / "services"


def test_no_service_imports_aiogram() -> None:
    offenders = []
    for path in SERVICES.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] == "aiogram"]
    assert not offenders
    assert len(list(SERVICES.glob("*.py"))) > 5


def test_logging_setup_imports_nothing_of_the_bot_above_it() -> None:
    """Review of issue 9, item 13: logging is set up before anything else, so it depends on no
    other part of the bot (it imported bot.web.server for one filter)."""
    tree = ast.parse((SERVICES.parent / "logging_setup.py").read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [name for name in imported if name.split(".")[0] == "bot"] == []
