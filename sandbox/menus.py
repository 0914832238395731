"""Which command menu a user sees in a chat: Telegram's scope precedence and language match.

For each scope in order, the list set for the user's language wins, then the list set with no
language; the first scope with either is the menu (the Bot API's documented order):

* private chat: chat, all_private_chats, default;
* group: chat_member, chat_administrators (an admin), chat, all_chat_administrators (an admin),
  all_group_chats, default.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.models import Chat
from sandbox.state import SandboxState


@dataclass(frozen=True)
class Menu:
    scope: str | None  # the scope key the menu came from (None: no commands at all)
    language_code: str  # "" for the list set without a language
    commands: list[dict[str, str]]


def scopes_for(chat: Chat, user_id: int) -> list[str]:
    """Scope keys (as ``methods_bot.scope_key`` makes them), most specific first."""
    if chat.type == "private":
        return [f"chat:{chat.id}", "all_private_chats", "default"]
    admin = user_id in chat.admin_ids
    return [
        f"chat_member:{chat.id}:{user_id}",
        *([f"chat_administrators:{chat.id}"] if admin else []),
        f"chat:{chat.id}",
        *(["all_chat_administrators"] if admin else []),
        "all_group_chats",
        "default",
    ]


def menu_for(state: SandboxState, chat: Chat, user_id: int) -> Menu:
    """The menu ``user_id`` sees in ``chat``, in the language of their Telegram app."""
    user = state.users.get(user_id)
    language = ((user.language_code if user else None) or "").lower().replace("_", "-").split("-")[0]
    commands = state.bot.commands
    for scope in scopes_for(chat, user_id):
        for code in ([language] if language else []) + [""]:
            found = commands.get((scope, code))
            if found:
                return Menu(scope, code, found)
    return Menu(None, "", [])
