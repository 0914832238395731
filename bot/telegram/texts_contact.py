"""Texts of direct contact: a learner's message as the coordinators see it, a coordinator's as the
learner sees it, and the answers about either. Each is built in the current gettext locale: the
caller picks it (the reader's language, not the writer's)."""
from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _

from bot.services.contact import ContactError, ContactProblem, LearnerCard
from bot.services.views import pick, visible_text


def learner_label(card: LearnerCard) -> str:
    """"Aigerim Sadykova (id 123, @aigerim)": who a learner is, in a line of the coordinators' chat."""
    if card.username:
        return _("{name} (id {id}, @{username})").format(name=escape(card.name), id=card.user_id,
                                                         username=escape(card.username))
    return _("{name} (id {id})").format(name=escape(card.name), id=card.user_id)


def from_learner_header(card: LearnerCard, locale: str) -> str:
    """Above the copy of a learner's message in the admin chat."""
    lines = [_("✉️ <b>A message from a learner</b>"), _("From: {learner}").format(learner=learner_label(card))]
    if card.course_slug is not None:
        title = visible_text(pick(card.course_title, locale)) or card.course_slug
        lines.append(_("Course: {title} ({slug})").format(title=escape(title), slug=escape(card.course_slug)))
    else:
        lines.append(_("Course: not enrolled yet"))
    return "\n".join(lines)


def from_learner_footer() -> str:
    return _("<i>Reply to this message to answer the learner.</i>")


def to_learner_header() -> str:
    """Above a coordinator's message in the learner's chat."""
    return _("✉️ <b>A message from the course coordinators</b>")


def to_learner_footer() -> str:
    return _("<i>Reply to this message to answer them.</i>")


def delivered_text(card: LearnerCard) -> str:
    return _("✅ Delivered to {learner}.").format(learner=learner_label(card))


def blocked_text(card: LearnerCard) -> str:
    return _("⛔ {learner} has blocked the bot: the message was not delivered. They get messages again "
             "once they write to the bot.").format(learner=learner_label(card))


def not_delivered_text(card: LearnerCard, error: str) -> str:
    return _("⚠️ Telegram did not deliver the message to {learner}: {error}").format(
        learner=learner_label(card), error=escape(error))


def learner_gone_text() -> str:
    """A reply to the copy of a message whose learner is no longer stored."""
    return _("⚠️ That learner is no longer known to the bot: the answer was not sent.")


def contact_error_text(error: ContactError) -> str:
    if error.problem is ContactProblem.UNKNOWN_LEARNER:
        return _("No learner with the id or username “{learner}” has written to the bot. Nothing was sent.").format(
            learner=escape(error.reference))
    if error.problem is ContactProblem.NO_TEXT:
        return _("The message is empty. Write the text after the learner: /message {learner} TEXT").format(
            learner=escape(error.reference))
    return message_usage_text()


def message_usage_text() -> str:
    return _("Usage: /message LEARNER TEXT, where LEARNER is their Telegram id or @username, for example: "
             "/message 123456789 Your lab work is checked. Or reply to the copy of a learner's message.")


def contact_prompt_text() -> str:
    return _("Write your message to the course coordinators: text, a photo or a file. I will pass it on, and "
             "their answer will come to this chat.")


def sent_to_coordinators_text() -> str:
    return _("✅ Sent to the course coordinators. Their answer will come to this chat.")


def coordinators_unreachable_text() -> str:
    return _("Sorry, the course coordinators cannot be reached through the bot right now. Nothing was sent; "
             "please try again later.")


def contact_cancelled_text() -> str:
    return _("Cancelled. Nothing was sent.")
