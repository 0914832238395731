"""Build aiogram's Telegram types when they are first used, not all at import.

aiogram's types ask pydantic for a deferred build (``defer_build=True``), but
``aiogram/types/__init__.py`` then calls ``model_rebuild`` on each of its ~300 types to resolve
their forward references, which builds every validator and serializer at import: 107 MB of the
process and 1.5 s of start-up (aiogram issue #1513). A bot uses a few of them as top-level
models (an Update, a Message in an answer, the methods it calls); their nested types are built
into those.

``install()`` runs before aiogram is first imported (``bot/__init__.py``): while
``aiogram.types`` is imported, its ``model_rebuild(_types_namespace=…)`` calls record that
namespace instead of building the class, and every aiogram model is given the namespace
afterwards, so pydantic's own build-on-first-use resolves the same names.
``tests/unit/test_telegram_types_on_demand.py`` checks that every type and method builds and
validates as aiogram's eager import would. When aiogram was imported before ``install()``, it
changes nothing. ``install()`` imports aiogram itself (0.5 s, 58 MB), so commands that never
needed it (``talimger db upgrade``) now pay that too.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

_AIOGRAM_TYPES_PREFIX = "aiogram.types."


def install() -> None:
    if "aiogram" in sys.modules:
        return
    rebuild = BaseModel.model_rebuild.__func__  # type: ignore[attr-defined]
    recorded: dict[str, Any] = {}

    def record_instead_of_building(cls: type[BaseModel], *args: Any, **kwargs: Any) -> bool | None:
        namespace = kwargs.get("_types_namespace")
        if namespace is not None and cls.__module__.startswith(_AIOGRAM_TYPES_PREFIX) and not kwargs.get("force"):
            recorded.update(namespace)
            return None
        # any other model rebuilt meanwhile: as pydantic would, its caller's frame one further (ours)
        kwargs["_parent_namespace_depth"] = kwargs.get("_parent_namespace_depth", 2) + 1
        return rebuild(cls, *args, **kwargs)

    BaseModel.model_rebuild = classmethod(record_instead_of_building)  # type: ignore[method-assign,assignment]
    try:
        import aiogram  # noqa: F401  (types, methods and the client, as the bot will use them)
    finally:
        BaseModel.model_rebuild = classmethod(rebuild)  # type: ignore[method-assign,assignment]
    if not recorded:  # aiogram no longer rebuilds at import: nothing to hand on
        return
    for model in _subclasses(BaseModel):
        # aiogram's own namespace (every type by name); built or not, as a generic one
        # (aiogram's Response[list[Update]]) is made from it later
        if model.__module__.startswith("aiogram."):
            model.__pydantic_parent_namespace__ = recorded


def _subclasses(root: type) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    stack = [root]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


def build_the_types_every_update_uses() -> None:
    """The update, its message and press, and the calls that answer them (0.2 s, once a process),
    at start: the first learners' updates do not wait for them."""
    from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
    from aiogram.methods.base import Response
    from aiogram.types import CallbackQuery, Chat, Message, Update

    for model in (Update, Message, CallbackQuery, Chat, SendMessage, EditMessageText, AnswerCallbackQuery):
        model.model_rebuild()
    for method in (SendMessage, EditMessageText, AnswerCallbackQuery):
        Response[method.__returning__].model_rebuild()  # as aiogram's session reads each answer
