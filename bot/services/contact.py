"""Direct contact between a learner and the coordinators: whom `/message` names, which learner a
reply answers, and who the learner is (for the header the admin chat sees). Nothing here knows
Telegram: the handlers send, this keeps track.

Replies are sent at once, not through the outbox: a coordinator answers one person and should
know there and then whether it arrived (a learner who blocked the bot is told to them at once).
"""
from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.db.uow import UnitOfWork
from bot.services.clock import Clock
from bot.services.names import telegram_name
from bot.services.users import locale_from_telegram
from bot.services.views import Localized

FROM_LEARNER = "from_learner"  # the bot's copy of a learner's message, in the coordinators' chat
TO_LEARNER = "to_learner"  # a coordinator's message as the learner got it, in the learner's chat

_USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")


class ContactProblem(enum.Enum):
    NO_LEARNER_GIVEN = "no_learner_given"  # "/message" with nothing after it
    NO_TEXT = "no_text"  # "/message 123" with no text
    UNKNOWN_LEARNER = "unknown_learner"  # no one with that id or username has written to the bot


class ContactError(Exception):
    def __init__(self, problem: ContactProblem, reference: str = "") -> None:
        super().__init__(f"{problem.value}: {reference}")
        self.problem = problem
        self.reference = reference


@dataclass(frozen=True)
class LearnerCard:
    """Who a learner is, as the coordinators see them in a header."""

    user_id: int
    name: str
    username: str | None
    course_title: Localized | None  # the course they touched last; None before any
    course_slug: str | None
    locale: str  # the language they read the bot in


@dataclass(frozen=True)
class DirectMessage:
    """`/message <learner> <text>`, split: the text keeps the sender's formatting (Telegram HTML)."""

    learner: str
    text_html: str


def parse_direct_message(args_html: str) -> DirectMessage:
    """The words after /message: a learner id or @username, then the text (raises ContactError)."""
    learner, _space, text = args_html.strip().partition(" ")
    if not learner:
        raise ContactError(ContactProblem.NO_LEARNER_GIVEN)
    text = text.strip()
    if "\n" in learner:  # "/message 123\ntext": the text on the next line
        learner, _newline, rest = learner.partition("\n")
        text = (rest + " " + text).strip()
    if not text:
        raise ContactError(ContactProblem.NO_TEXT, learner)
    return DirectMessage(learner, text)


class ContactService:
    def __init__(self, uow: UnitOfWork, clock: Clock, default_locale: str = "en") -> None:
        self._uow = uow
        self._clock = clock
        self._default_locale = default_locale

    async def find_learner(self, reference: str, course_ids: frozenset[int] | None = None) -> LearnerCard:
        """By Telegram id or @username; raises ContactError when no such person wrote to the bot.

        `course_ids`: the courses the coordinator looks after (None: every course). A learner with no
        enrolment in one of them is answered exactly as an unknown one, so a coordinator of one course
        can neither write to nor find out about the learners of another."""
        user = None
        if reference.lstrip("-").isdigit():
            user = await self._uow.users.get(int(reference))
        else:
            match = _USERNAME.match(reference)
            if match:
                user = await self._uow.contact.user_by_username(match.group(1))
        if user is None or not await self._in_scope(user.id, course_ids):
            raise ContactError(ContactProblem.UNKNOWN_LEARNER, reference)
        card = await self.card(user.id)
        assert card is not None
        return card

    async def _in_scope(self, user_id: int, course_ids: frozenset[int] | None) -> bool:
        if course_ids is None:
            return True
        return any(enrolment.course_id in course_ids for enrolment in await self._uow.enrolments.for_user(user_id))

    async def card(self, user_id: int) -> LearnerCard | None:
        user = await self._uow.users.get(user_id)
        if user is None:
            return None
        title, slug = None, None
        enrolment = await self._uow.enrolments.latest_for_user(user_id)
        if enrolment is not None:
            version = await self._uow.courses.version(enrolment.version_id)
            course = await self._uow.courses.get(enrolment.course_id)
            title = version.title if version is not None else None
            slug = course.slug if course is not None else None
        locale = user.locale or locale_from_telegram(user.telegram_language, self._default_locale)
        return LearnerCard(user.id, user.full_name or telegram_name(user), user.username, title, slug, locale)

    async def learner_behind_copy(self, chat_id: int, message_id: int) -> int | None:
        """The learner whose message the bot copied as this one (in the coordinators' chat)."""
        return await self._uow.contact.learner_of(chat_id, message_id, FROM_LEARNER)

    async def is_from_coordinators(self, learner_id: int, message_id: int) -> bool:
        """Whether this message in the learner's chat is one a coordinator sent them."""
        return await self._uow.contact.learner_of(learner_id, message_id, TO_LEARNER) == learner_id

    def remember_copies(self, chat_id: int, message_ids: Iterable[int], learner_id: int) -> None:
        """The bot's copies of a learner's message: a coordinator's reply to any of them answers the learner."""
        self._uow.contact.remember(chat_id, message_ids, learner_id, FROM_LEARNER, None, self._clock.now())

    def remember_delivered(self, learner_id: int, message_ids: Iterable[int], staff_id: int) -> None:
        """What the learner got from a coordinator: their reply to it comes back to the coordinators."""
        self._uow.contact.remember(learner_id, message_ids, learner_id, TO_LEARNER, staff_id, self._clock.now())

    async def blocked_by(self, learner_id: int) -> None:
        """Telegram said the learner blocked the bot: no reminders until they write again."""
        await self._uow.reminders.deactivate(learner_id)
