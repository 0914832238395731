"""Set-up steps for tests of the staff side: a role stored as an owner's /grant would store it."""
from __future__ import annotations

from bot.app import Talimger
from bot.services.staff import Role, StaffService


async def hold_role(app: Talimger, user_id: int, role: Role) -> None:
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        await uow.begin_write()
        await StaffService(uow, app.clock).ensure(user_id, role)
        await uow.commit()
