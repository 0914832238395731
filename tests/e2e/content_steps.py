"""Shared steps of the content-workflow tests: the kk instructor in the sandbox's admin chat,
the sample course zipped with changes, and database counts."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy import text

from bot.app import Talimger
from content import SAMPLE_COURSE_DIR
from sandbox import Sandbox
from sandbox.web.routes import StaffMember
from bot.services.staff import Role
from tests.e2e.conftest import AppFactory
from tests.e2e.staff_steps import hold_role

INSTRUCTOR_ID, COORDINATOR_ID, RU_INSTRUCTOR_ID = 900_101, 900_102, 900_103
WAIT = 30.0


def staff_admin_chat(sandbox: Sandbox) -> int:
    """The sandbox's admin chat, whose members are a kk instructor and an en coordinator."""
    sandbox.web_config.staff = [StaffMember(INSTRUCTOR_ID, "Айгүл", "instructor", "kk"),
                                StaffMember(COORDINATOR_ID, "Coordinator", "coordinator", "en")]
    return sandbox.ensure_admin_chat().id


async def start_with_kk_and_ru_instructors(sandbox: Sandbox, start_bot: AppFactory) -> Talimger:
    """The bot whose admin chat holds a kk instructor and a ru instructor, both granted the role."""
    sandbox.web_config.staff = [StaffMember(INSTRUCTOR_ID, "Айгүл", "instructor", "kk"),
                                StaffMember(RU_INSTRUCTOR_ID, "Ольга", "instructor", "ru")]
    app = await start_bot(admin_chat_id=sandbox.ensure_admin_chat().id)
    for user_id in (INSTRUCTOR_ID, RU_INSTRUCTOR_ID):
        await hold_role(app, user_id, Role.INSTRUCTOR)
    return app


async def grant_staff(app: Talimger) -> None:
    """The roles an owner's /grant would give the admin chat's two members (issue 10 ground)."""
    await hold_role(app, INSTRUCTOR_ID, Role.INSTRUCTOR)
    await hold_role(app, COORDINATOR_ID, Role.COORDINATOR)


def zipped_sample(changes: dict[str, tuple[str, str]] | None = None, extra: dict[str, bytes] | None = None,
                  top: str = "python-basics") -> bytes:
    """The sample course folder as a zip; `changes` maps a file (relative) to (old, new) text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(SAMPLE_COURSE_DIR.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(SAMPLE_COURSE_DIR).as_posix()
            data = path.read_bytes()
            if changes and relative in changes:
                old, new = changes[relative]
                assert old.encode() in data, (relative, old)
                data = data.replace(old.encode(), new.encode())
            archive.writestr(f"{top}/{relative}", data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def scalar(app: Talimger, sql: str, **params: object) -> object:
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        return (await uow.session.execute(text(sql), params)).scalar()


async def rows(app: Talimger, sql: str, **params: object) -> list[tuple[object, ...]]:
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        return [tuple(row) for row in (await uow.session.execute(text(sql), params)).all()]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
