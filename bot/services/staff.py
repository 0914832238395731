"""Staff roles: owners (OWNER_IDS, never stored), instructors and coordinators granted by an owner,
each for one course or all of them. Whether a role counts right now (admin chat membership) is
the Telegram side's question: this service only knows what was granted."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.db.uow import UnitOfWork
from bot.services.clock import Clock


class Role(str, enum.Enum):
    OWNER = "owner"
    INSTRUCTOR = "instructor"
    COORDINATOR = "coordinator"


GRANTABLE = (Role.INSTRUCTOR, Role.COORDINATOR)


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    course_slug: str | None  # None: every course


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    name: str
    username: str | None
    grants: tuple[RoleGrant, ...]
    owner: bool


class StaffProblem(enum.Enum):
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_COURSE = "unknown_course"
    UNKNOWN_USER = "unknown_user"
    NOT_GRANTED = "not_granted"


class StaffError(Exception):
    """A grant or ungrant that changes nothing, and why."""

    def __init__(self, problem: StaffProblem, detail: str = "") -> None:
        super().__init__(f"{problem.value}: {detail}")
        self.problem = problem
        self.detail = detail


def parse_role(name: str) -> Role:
    try:
        role = Role(name.strip().lower())
    except ValueError:
        raise StaffError(StaffProblem.UNKNOWN_ROLE, name) from None
    if role not in GRANTABLE:
        raise StaffError(StaffProblem.UNKNOWN_ROLE, name)
    return role


class StaffService:
    def __init__(self, uow: UnitOfWork, clock: Clock, owner_ids: frozenset[int] = frozenset()) -> None:
        self._uow = uow
        self._clock = clock
        self._owner_ids = owner_ids

    def is_owner(self, user_id: int) -> bool:
        return user_id in self._owner_ids

    async def roles_of(self, user_id: int, course_id: int | None = None) -> frozenset[Role]:
        """The roles granted to the user (for `course_id`, or for any course when None); owners have all."""
        if self.is_owner(user_id):
            return frozenset(Role)
        rows = await self._uow.staff.of_user(user_id)
        return frozenset(Role(row.role) for row in rows
                         if course_id is None or row.course_id is None or row.course_id == course_id)

    async def may_act(self, user_id: int, role: Role, course_id: int | None) -> bool:
        """Whether the user may act as `role` on the course (`None`: a course not made yet, which only
        an all-course grant may create). Owners and all-course grants: always."""
        if self.is_owner(user_id):
            return True
        return any(row.role == role.value and (row.course_id is None or row.course_id == course_id)
                   for row in await self._uow.staff.of_user(user_id))

    async def course_ids_of(self, user_id: int, role: Role) -> frozenset[int] | None:
        """The courses the user may act on as `role`; None: every course."""
        if self.is_owner(user_id):
            return None
        rows = [row for row in await self._uow.staff.of_user(user_id) if row.role == role.value]
        if any(row.course_id is None for row in rows):
            return None
        return frozenset(row.course_id for row in rows if row.course_id is not None)

    def scope(self, user_id: int, role: Role) -> CourseScope:
        return CourseScope(self, user_id, role)

    async def grant(self, user_id: int, role_name: str, course_slug: str | None, by: int | None) -> RoleGrant:
        """Idempotent: granting a role the user already holds changes nothing."""
        role = parse_role(role_name)
        course_id = await self._course_id(course_slug)
        if await self._uow.users.get(user_id) is None:
            raise StaffError(StaffProblem.UNKNOWN_USER, str(user_id))
        if await self._uow.staff.find(user_id, role.value, course_id) is None:
            await self._uow.staff.add(user_id, role.value, course_id, by, self._clock.now())
        return RoleGrant(role, course_slug)

    async def ungrant(self, user_id: int, role_name: str, course_slug: str | None) -> RoleGrant:
        """Without a course: the role for every course it was granted for."""
        role = parse_role(role_name)
        course_id = await self._course_id(course_slug)
        if not await self._uow.staff.remove(user_id, role.value, course_id):
            raise StaffError(StaffProblem.NOT_GRANTED, str(user_id))
        return RoleGrant(role, course_slug)

    async def ungrant_by_id(self, grant_id: int) -> tuple[int, RoleGrant]:
        """/staff's button: one grant, by its row; an old button (already taken away) changes nothing."""
        row = await self._uow.staff.get(grant_id)
        if row is None:
            raise StaffError(StaffProblem.NOT_GRANTED, str(grant_id))
        slug = None
        if row.course_id is not None:
            course = await self._uow.courses.get(row.course_id)
            slug = course.slug if course is not None else None
        user_id, grant = row.user_id, RoleGrant(Role(row.role), slug)
        await self._uow.staff.delete(row)
        return user_id, grant

    async def grant_ids(self) -> list[tuple[int, int, RoleGrant]]:
        """(grant id, user id, grant) of every stored grant, for /staff's buttons."""
        found = []
        for row in await self._uow.staff.all():
            course = await self._uow.courses.get(row.course_id) if row.course_id is not None else None
            found.append((row.id, row.user_id, RoleGrant(Role(row.role), course.slug if course else None)))
        return found

    async def members(self) -> list[StaffMember]:
        """Owners first, then everyone holding a role, with names and courses."""
        grants: dict[int, list[RoleGrant]] = {}
        for row in await self._uow.staff.all():
            slug = None
            if row.course_id is not None:
                course = await self._uow.courses.get(row.course_id)
                slug = course.slug if course is not None else str(row.course_id)
            grants.setdefault(row.user_id, []).append(RoleGrant(Role(row.role), slug))
        members = []
        for user_id in [*sorted(self._owner_ids), *(i for i in grants if i not in self._owner_ids)]:
            user = await self._uow.users.get(user_id)
            name = " ".join(p for p in (user.first_name, user.last_name) if p) if user is not None else ""
            members.append(StaffMember(user_id, name, user.username if user is not None else None,
                                       tuple(grants.get(user_id, ())), user_id in self._owner_ids))
        return members

    async def holders(self) -> list[int]:
        """Everyone holding a granted role (their private menu lists the staff commands)."""
        return sorted({row.user_id for row in await self._uow.staff.all()})

    async def ensure(self, user_id: int, role: Role) -> None:
        """The sandbox's bootstrap: the role for every course, granted once however often it runs."""
        if await self._uow.staff.find(user_id, role.value, None) is None:
            await self._uow.staff.add(user_id, role.value, None, None, self._clock.now())

    async def _course_id(self, slug: str | None) -> int | None:
        if slug is None:
            return None
        course = await self._uow.courses.by_slug(slug)
        if course is None:
            raise StaffError(StaffProblem.UNKNOWN_COURSE, slug)
        return course.id


class CourseScope:
    """Who acts, in which role: a service checks each course it settles on against this."""

    def __init__(self, staff: StaffService, user_id: int, role: Role) -> None:
        self._staff = staff
        self.user_id = user_id
        self.role = role

    async def allows(self, course_id: int | None) -> bool:
        return await self._staff.may_act(self.user_id, self.role, course_id)

    async def course_ids(self) -> frozenset[int] | None:
        return await self._staff.course_ids_of(self.user_id, self.role)
