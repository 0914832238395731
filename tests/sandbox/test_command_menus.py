"""The "/" menu a user sees, picked as Telegram picks it: the most specific scope that has commands,
in the user's language if set for it, else the scope's list without a language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatMember,
)

from sandbox.client import SandboxClient


def menu(*names: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=f"about {name}") for name in names]


def names(shown: dict) -> list[str]:  # type: ignore[type-arg]
    return [item["command"] for item in shown["commands"]]


async def test_private_chats_take_chat_then_all_private_then_default_in_the_users_language(
        bot: Bot, client: SandboxClient) -> None:
    """issue 9 item 17: the browser's menu is the chat's scope, so a learner's /language shows there."""
    kk = await client.new_user("Aru", language_code="kk")
    en = await client.new_user("Ben", language_code="en-GB")
    assert (await kk.command_menu()) == {"scope": None, "language_code": "", "commands": []}
    await bot.set_my_commands(menu("start"))
    await bot.set_my_commands(menu("bastau"), language_code="kk")
    assert names(await kk.command_menu()) == ["bastau"] and names(await en.command_menu()) == ["start"]
    await bot.set_my_commands(menu("private"), scope=BotCommandScopeAllPrivateChats())
    assert names(await kk.command_menu()) == ["private"]  # a broader scope's language does not win
    await bot.set_my_commands(menu("mine"), scope=BotCommandScopeChat(chat_id=kk.id))
    shown = await kk.command_menu()
    assert shown["scope"] == f"chat:{kk.id}" and names(shown) == ["mine"]
    assert names(await en.command_menu()) == ["private"]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=kk.id))] == ["mine"]
    assert await bot.get_my_commands(scope=BotCommandScopeChat(chat_id=kk.id), language_code="kk") == []


async def test_groups_take_member_admin_chat_and_group_scopes_in_order(bot: Bot, client: SandboxClient) -> None:
    """issue 9 item 14: the admin chat's menu (its chat scope) is what its members see."""
    admin = await client.new_user("Instructor", language_code="en")
    member = await client.new_user("Guest", language_code="ru")
    group = (await client.new_group("Staff", [member], admins=[admin]))["id"]
    in_group = {user.id: user.in_chat(group) for user in (admin, member)}
    await bot.set_my_commands(menu("start"))
    await bot.set_my_commands(menu("groups"), scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands(menu("admins"), scope=BotCommandScopeAllChatAdministrators())
    assert names(await in_group[admin.id].command_menu()) == ["admins"]
    assert names(await in_group[member.id].command_menu()) == ["groups"]
    await bot.set_my_commands(menu("revoke", "help"), scope=BotCommandScopeChat(chat_id=group), language_code="ru")
    await bot.set_my_commands(menu("revoke", "reissue", "help"), scope=BotCommandScopeChat(chat_id=group))
    assert names(await in_group[admin.id].command_menu()) == ["revoke", "reissue", "help"]
    assert names(await in_group[member.id].command_menu()) == ["revoke", "help"]
    await bot.set_my_commands(menu("you"), scope=BotCommandScopeChatMember(chat_id=group, user_id=member.id))
    assert names(await in_group[member.id].command_menu()) == ["you"]
    assert names(await admin.command_menu()) == ["start"]  # their private chat is not the group
