"""The services of one use case, built on its unit of work."""
from __future__ import annotations

import random
from functools import cached_property

from bot.db.uow import UnitOfWork
from bot.services.broadcast import BroadcastService
from bot.services.certificate_admin import CertificateAdminService
from bot.services.certificates import CertificateService
from bot.services.clock import Clock
from bot.services.contact import ContactService
from bot.services.final_test import FinalTestService
from bot.services.enrolment import EnrolmentService
from bot.services.lesson import LessonService
from bot.services.preferences import PreferencesService
from bot.services.progress import ProgressService
from bot.services.quiz import QuizService
from bot.services.staff import StaffService
from bot.services.users import UserService


class Services:
    def __init__(self, uow: UnitOfWork, clock: Clock, rng: random.Random, default_locale: str,
                 owner_ids: frozenset[int] = frozenset()) -> None:
        self._owner_ids = owner_ids
        # Answers asked more than once in one update (the staff guards of several routers).
        self.memo: dict[object, object] = {}
        self.uow = uow
        self.clock = clock
        self._rng = rng
        self._default_locale = default_locale

    @cached_property
    def users(self) -> UserService:
        return UserService(self.uow, self.clock, self._default_locale)

    @cached_property
    def enrolment(self) -> EnrolmentService:
        return EnrolmentService(self.uow, self.clock)

    @cached_property
    def lessons(self) -> LessonService:
        return LessonService(self.uow, self.clock)

    @cached_property
    def quiz(self) -> QuizService:
        return QuizService(self.uow, self.clock, self._rng)

    @cached_property
    def preferences(self) -> PreferencesService:
        return PreferencesService(self.uow, self.clock)

    @cached_property
    def progress(self) -> ProgressService:
        return ProgressService(self.uow, self.clock)

    @cached_property
    def certificates(self) -> CertificateService:
        return CertificateService(self.uow, self.clock)

    @cached_property
    def final_test(self) -> FinalTestService:
        return FinalTestService(self.uow, self.clock, self._rng)

    @cached_property
    def certificate_admin(self) -> CertificateAdminService:
        return CertificateAdminService(self.uow, self.clock, self._default_locale, self.staff)

    @cached_property
    def staff(self) -> StaffService:
        return StaffService(self.uow, self.clock, self._owner_ids)

    @cached_property
    def contact(self) -> ContactService:
        return ContactService(self.uow, self.clock, self._default_locale)

    @cached_property
    def broadcasts(self) -> BroadcastService:
        return BroadcastService(self.uow, self.clock, self.staff, self._default_locale)
