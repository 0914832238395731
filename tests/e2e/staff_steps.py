"""Set-up steps for tests of the staff side: a role stored as an owner's /grant would store it."""
from __future__ import annotations

from bot.app import Talimger
from bot.services.staff import Role, StaffService


async def hold_role(app: Talimger, user_id: int, role: Role, course: str | None = None) -> None:
    """The role for every course, or (`course`, a slug) for that course only."""
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        await uow.begin_write()
        if course is None:
            await StaffService(uow, app.clock).ensure(user_id, role)
        else:  # as /grant stores it (the user need not have written to the bot yet)
            row = await uow.courses.by_slug(course)
            assert row is not None, course
            await uow.staff.add(user_id, role.value, row.id, None, app.clock.now())
        await uow.commit()
