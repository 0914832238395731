"""One unit of work per use case: repositories share a session and never commit themselves."""
from __future__ import annotations

import asyncio
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.repositories.analytics import AnalyticsRepository
from bot.db.repositories.attempts import AttemptRepository
from bot.db.repositories.broadcast_audience import BroadcastAudienceRepository
from bot.db.repositories.broadcasts import BroadcastRepository
from bot.db.repositories.catalog import CatalogRepository
from bot.db.repositories.contact import ContactRepository
from bot.db.repositories.certificates import CertificateRepository
from bot.db.repositories.course_drafts import CourseDraftRepository
from bot.db.repositories.courses import ContentCache, CourseRepository
from bot.db.repositories.media import FileIdCache, MediaRepository
from bot.db.repositories.learning import EnrolmentRepository, ProgressRepository
from bot.db.repositories.outbox import OutboxRepository
from bot.db.repositories.reminders import ReminderRepository
from bot.db.repositories.fsm_states import FsmStateRepository
from bot.db.repositories.staff import StaffRepository
from bot.db.repositories.updates import ProcessedUpdateRepository
from bot.db.repositories.users import UserRepository


class UnitOfWork:
    def __init__(self, session: AsyncSession, write_lock: asyncio.Lock | None = None,
                 content_cache: ContentCache | None = None, file_ids: FileIdCache | None = None) -> None:
        self.session = session
        self._write_lock = write_lock
        self._holds_lock = False
        self.users = UserRepository(session)
        self.courses = CourseRepository(session, content_cache)
        self.drafts = CourseDraftRepository(session)
        self.enrolments = EnrolmentRepository(session)
        self.progress = ProgressRepository(session)
        self.attempts = AttemptRepository(session)
        self.certificates = CertificateRepository(session)
        self.updates = ProcessedUpdateRepository(session)
        self.media = MediaRepository(session, file_ids)
        self.reminders = ReminderRepository(session)
        self.catalog = CatalogRepository(session)
        self.staff = StaffRepository(session)
        self.fsm_states = FsmStateRepository(session)
        self.analytics = AnalyticsRepository(session)
        self.outbox = OutboxRepository(session)
        self.broadcasts = BroadcastRepository(session)
        self.contact = ContactRepository(session)
        self.broadcast_audience = BroadcastAudienceRepository(session)

    async def begin_write(self) -> None:
        """Take this process's turn to write (SQLite allows one writer at a time).

        Waiting on an asyncio lock costs nothing; waiting in SQLite's busy handler sleeps
        in growing steps, which under load cost more than the work itself. Released at
        commit or rollback, so no update holds it across network calls.
        """
        if self._write_lock is not None and not self._holds_lock:
            await self._write_lock.acquire()
            self._holds_lock = True

    async def commit(self) -> None:
        """Commit what the session holds; with nothing begun since the last commit (an update
        commits before each Bot API call it makes) there is nothing to do."""
        try:
            if self.session.in_transaction() or self.session.new or self.session.dirty or self.session.deleted:
                await self.session.commit()
        finally:
            self._release()

    async def rollback(self) -> None:
        try:
            await self.session.rollback()
        finally:
            self._release()

    def _release(self) -> None:
        if self._holds_lock and self._write_lock is not None:
            self._holds_lock = False
            self._write_lock.release()


class UnitOfWorkFactory:
    """Opens a unit of work; leaving the block without commit rolls back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], serialize_writes: bool = False,
                 cache_content: bool = True) -> None:
        self._sessions = sessions
        self._write_lock = asyncio.Lock() if serialize_writes else None
        self._content_cache = ContentCache() if cache_content else None
        self._file_ids = FileIdCache() if cache_content else None

    def __call__(self) -> "_UnitOfWorkContext":
        return _UnitOfWorkContext(UnitOfWork(self._sessions(), self._write_lock, self._content_cache,
                                             self._file_ids))


class _UnitOfWorkContext:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def __aenter__(self) -> UnitOfWork:
        return self._uow

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self._uow.session.close()
        finally:
            self._uow._release()
