"""Staff roles: who may run which course from the admin chat."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import StaffRole


class StaffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._without_roles: set[int] = set()  # learned this unit of work (UserRepository.get_for_update)

    def remember_no_roles(self, user_id: int) -> None:
        """The user holds no role, as read in this transaction: `of_user` answers without a query."""
        self._without_roles.add(user_id)

    async def of_user(self, user_id: int) -> Sequence[StaffRole]:
        if user_id in self._without_roles:
            return ()
        result = await self._session.execute(select(StaffRole).where(StaffRole.user_id == user_id)
                                             .order_by(StaffRole.role, StaffRole.course_id))
        return result.scalars().all()

    async def all(self) -> Sequence[StaffRole]:
        result = await self._session.execute(select(StaffRole).order_by(StaffRole.user_id, StaffRole.role,
                                                                        StaffRole.course_id))
        return result.scalars().all()

    async def find(self, user_id: int, role: str, course_id: int | None) -> StaffRole | None:
        course = StaffRole.course_id.is_(None) if course_id is None else StaffRole.course_id == course_id
        result = await self._session.execute(select(StaffRole).where(StaffRole.user_id == user_id,
                                                                     StaffRole.role == role, course))
        return result.scalars().first()

    async def add(self, user_id: int, role: str, course_id: int | None, granted_by: int | None,
                  now: datetime) -> StaffRole:
        self._without_roles.clear()
        row = StaffRole(user_id=user_id, role=role, course_id=course_id, granted_by=granted_by, granted_at=now)
        self._session.add(row)
        await self._session.flush()
        return row

    async def get(self, grant_id: int) -> StaffRole | None:
        return await self._session.get(StaffRole, grant_id)

    async def delete(self, row: StaffRole) -> None:
        self._without_roles.clear()
        await self._session.delete(row)
        await self._session.flush()

    async def remove(self, user_id: int, role: str, course_id: int | None) -> int:
        """Removes the role for that course (course_id None: every grant of the role); returns how many."""
        self._without_roles.clear()
        statement = delete(StaffRole).where(StaffRole.user_id == user_id, StaffRole.role == role)
        if course_id is not None:
            statement = statement.where(StaffRole.course_id == course_id)
        result = await self._session.execute(statement)
        return int(result.rowcount or 0)
