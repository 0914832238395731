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


ROOT = SERVICES.parents[1]


def _calls(folder: Path) -> list[tuple[str, str]]:
    """(file, called name) of every call in the folder's modules."""
    found = []
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                found.append((str(path.relative_to(ROOT)), name))
    return found


def test_handlers_and_services_never_commit() -> None:
    """issue 10 (ground) item 5: the update's unit of work commits before each send and at the end
    (docs/ARCHITECTURE.md, "How an update commits"); handlers and services never do."""
    offenders = [f for f, name in _calls(ROOT / "handlers") + _calls(SERVICES) if name == "commit"]
    assert offenders == []


def test_handlers_do_not_check_refusals_or_roles_themselves() -> None:
    """issue 10 (ground) items 3, 5: a service raises RefusedError and one place answers it; the staff
    role is a router-level filter, not a check inside a handler body."""
    offenders = []
    for path in (ROOT / "handlers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance" and len(node.args) == 2
                    and "Refused" in ast.dump(node.args[1])):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} isinstance(…, Refused)")
    # (roles_of may be read to pick a menu; access is HasRole's, on the router)
    offenders += [f"{f} calls {name}" for f, name in _calls(ROOT / "handlers")
                  if name in {"has_role", "is_coordinator", "HasRole"} and not f.endswith("__init__.py")]
    assert offenders == []


def test_logging_setup_imports_nothing_of_the_bot_above_it() -> None:
    """Review of issue 9, item 13: logging is set up before anything else, so it depends on no
    other part of the bot (it imported bot.web.server for one filter)."""
    tree = ast.parse((SERVICES.parent / "logging_setup.py").read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [name for name in imported if name.split(".")[0] == "bot"] == []


def test_the_database_layer_imports_nothing_above_it() -> None:
    """Repositories hold SQL and return plain rows: they know no service, adapter, handler or aiogram
    (reminders' repository imported `AttemptFacts` from a service)."""
    above = ("bot.services", "bot.telegram", "bot.web", "handlers", "scheduler", "aiogram")
    offenders = []
    for path in (SERVICES.parent / "db").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        names += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        offenders += [f"{path.name} imports {name}" for name in names if name.startswith(above)]
    assert offenders == []
