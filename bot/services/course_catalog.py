"""/courses: every course with its learners, versions and any draft, for the staff."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.db.uow import UnitOfWork
from bot.services.staff import CourseScope


@dataclass(frozen=True)
class CourseSummary:
    slug: str
    title: dict[str, Any] | None  # the published version's; None when nothing is published
    learners: int  # enrolled, whatever version they read
    published_number: int | None
    versions: int
    # The course's draft (an upload not yet published), by its number.
    draft_number: int | None


class CourseCatalog:
    def __init__(self, uow: UnitOfWork, scope: CourseScope | None = None) -> None:
        """`scope`: who asks; only their courses are listed (None: every course)."""
        self._uow = uow
        self._scope = scope

    async def summaries(self) -> list[CourseSummary]:
        summaries = []
        mine = await self._scope.course_ids() if self._scope is not None else None
        for row in await self._uow.catalog.courses():
            if mine is not None and row.course_id not in mine:
                continue
            summaries.append(CourseSummary(row.slug, row.title, row.learners, row.current_number, row.versions,
                                           row.draft_number))
        return summaries
