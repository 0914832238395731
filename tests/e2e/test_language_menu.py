"""/language changes the chat's "/" menu too, whatever the language of the learner's Telegram app."""
from __future__ import annotations

from typing import Any

from bot.app import Talimger
from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.e2e.driver import WORDS, CourseKey, LearnerDriver


async def get_my_commands(client: SandboxClient, sandbox: Sandbox, **params: Any) -> dict[str, str]:
    answer = await client.request("POST", f"/bot{sandbox.token}/getMyCommands", json=params)
    assert answer["ok"], answer
    return {item["command"]: item["description"] for item in answer["result"]}


async def test_choosing_a_language_sets_the_chat_menu_in_that_language(
        bot_app: Talimger, sandbox: Sandbox, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 9 item 17: before, the menu stayed in the Telegram app's language after /language."""
    learner = LearnerDriver(await client.new_user("Aru", language_code="en"), course_key, "en")
    await learner.start()
    other = await client.new_user("Bek", language_code="en")
    await learner.user.send("/language")
    picker = await learner.user.wait_for(lambda m: WORDS["ru"]["language"] in m.button_texts)
    await learner.user.press(picker, WORDS["ru"]["language"])
    await learner.user.wait_for(lambda m: "Готово" in m.text)

    scope = {"type": "chat", "chat_id": learner.user.id}
    menu = await get_my_commands(client, sandbox, scope=scope)
    assert menu["progress"] == "Мой прогресс" and menu["language"] == "Сменить язык"
    shown = await learner.user.command_menu()
    assert shown["scope"] == f"chat:{learner.user.id}"
    assert {c["command"]: c["description"] for c in shown["commands"]}["progress"] == "Мой прогресс"
    # Only that learner's chat: another English-speaking learner keeps the English menu.
    theirs = await other.command_menu()
    assert theirs["scope"] == "default" and theirs["language_code"] == "en"
    assert {c["command"]: c["description"] for c in theirs["commands"]}["progress"] == "My progress"

    await learner.user.send("/language")
    picker = await learner.user.wait_for(lambda m: WORDS["kk"]["language"] in m.button_texts)
    await learner.user.press(picker, WORDS["kk"]["language"])
    await learner.user.wait_for(lambda m: m.message_id > picker.message_id and "/lesson" in m.text)
    assert (await get_my_commands(client, sandbox, scope=scope))["progress"] == "Менің оқу барысым"
