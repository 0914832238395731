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
