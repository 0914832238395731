"""The conversations that wait for typed input: one StatesGroup each (aiogram's FSM)."""
from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class ProfileInput(StatesGroup):
    """/profile → a field's button: the next text message is that field's new value."""

    name = State()
    email = State()
    phone = State()  # only the contact-share button answers it


class CertificateName(StatesGroup):
    """The name check before a certificate: the learner types the name to print."""

    typing = State()


class ContactInput(StatesGroup):
    """/contact without text: the next message goes to the course coordinators."""

    typing = State()
class BroadcastInput(StatesGroup):
    """/broadcast: the message, then buttons (audience, versions, paid, time) and typed answers."""

    message = State()  # the default version: any text, photo, video or document with a caption
    choosing = State()  # buttons only: course, audience, versions, paid, time, confirm
    days = State()  # "stalled more than N days": N
    version = State()  # the version for one language (the data says which)
    send_at = State()  # the time to send, in the course's zone
