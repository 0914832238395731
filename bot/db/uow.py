"""One unit of work per use case: repositories share a session and never commit themselves."""
from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.repositories.attempts import AttemptRepository
from bot.db.repositories.certificates import CertificateRepository
from bot.db.repositories.courses import CourseRepository
from bot.db.repositories.media import MediaRepository
from bot.db.repositories.learning import EnrolmentRepository, ProgressRepository
from bot.db.repositories.updates import ProcessedUpdateRepository
from bot.db.repositories.users import UserRepository


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.users = UserRepository(session)
        self.courses = CourseRepository(session)
        self.enrolments = EnrolmentRepository(session)
        self.progress = ProgressRepository(session)
        self.attempts = AttemptRepository(session)
        self.certificates = CertificateRepository(session)
        self.updates = ProcessedUpdateRepository(session)
        self.media = MediaRepository(session)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


class UnitOfWorkFactory:
    """Opens a unit of work; leaving the block without commit rolls back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    def __call__(self) -> "_UnitOfWorkContext":
        return _UnitOfWorkContext(self._sessions())


class _UnitOfWorkContext:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def __aenter__(self) -> UnitOfWork:
        return UnitOfWork(self._session)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._session.close()
