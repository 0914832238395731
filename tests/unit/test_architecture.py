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
