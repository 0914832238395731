"""Staff roles in the database, granted and taken by owners in the admin chat; the staff side
guarded once per router; learners refused politely; menus per audience (issue 10, ground)."""
from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select

from bot.app import Talimger
from bot.db.models import Certificate, StaffRole
from bot.services.staff import Role
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.staff_steps import hold_role

ADMIN_CHAT_ID = -1009000001
OWNER_ID = 700_001
NO_CODE = "NoSuchCode0000000000000"
STAFF_COMMANDS = ("/grant instructor 42", "/ungrant instructor 42", "/staff", f"/revoke {NO_CODE} x",
                  f"/reissue {NO_CODE}")


async def menu_commands(client: SandboxClient, user_id: int) -> dict[str, str]:
    menu = await client.user(user_id).command_menu()
    return {item["command"]: item["description"] for item in menu["commands"]}


async def test_grant_use_list_ungrant_and_leave_take_effect_at_once(start_bot: AppFactory,
                                                                    client: SandboxClient) -> None:
    """issue 10 (ground) item 2, 4: an owner grants by replying in the admin chat, the member uses the
    command at once, /staff lists them, ungrant and leaving the admin chat take it away at once;
    the member's private menu lists the staff commands in their language only while they hold the role."""
    await start_bot(admin_chat_id=ADMIN_CHAT_ID, owner_ids=[OWNER_ID])
    owner = await client.new_user("Olga", id=OWNER_ID, language_code="en")
    dana = await client.new_user("Dana", last_name="Omarova", language_code="ru")
    await client.new_group("Admins", [owner, dana], id=ADMIN_CHAT_ID, type="supergroup")
    owner_chat, dana_chat = owner.in_chat(ADMIN_CHAT_ID), dana.in_chat(ADMIN_CHAT_ID)

    await dana_chat.send(f"/revoke {NO_CODE} x")  # a member without a role: told to ask an owner
    asked = await dana_chat.wait_for(lambda m: "/grant" in m.text)
    assert "владел" in asked.text  # in Dana's language
    hello = await dana_chat.send("Please make me a coordinator")
    await owner_chat.send("/grant coordinator", reply_to=hello["message"]["message_id"])
    await owner_chat.wait_for(lambda m: "Dana Omarova" in m.text and f"id {dana.id}" in m.text
                              and "coordinator" in m.text)
    # When the owner reads "done", her menu already says so (it was set after the reply, a race)
    menu = await menu_commands(client, dana.id)
    assert menu["revoke"] == "Отозвать сертификат: КОД ПРИЧИНА" and "lesson" in menu and "grant" not in menu

    await dana_chat.send(f"/revoke {NO_CODE} x")  # at once: the command is hers now
    await dana_chat.wait_for(lambda m: NO_CODE in m.text)

    await owner_chat.send(f"/grant instructor {dana.id} python-basics")  # by id, for one course
    await owner_chat.wait_for(lambda m: "instructor (course python-basics)" in m.text)
    await owner_chat.send(f"/grant instructor {dana.id} no-such-course")
    await owner_chat.wait_for(lambda m: "There is no course “no-such-course”" in m.text)
    await owner_chat.send("/staff")
    listed = await owner_chat.wait_for(lambda m: "Staff" in m.text and "Dana" in m.text)
    assert f"id {dana.id}: coordinator (all courses), instructor (course python-basics)" in listed.text
    assert f"id {OWNER_ID}: owner" in listed.text

    await owner_chat.send(f"/ungrant coordinator {dana.id}")
    await owner_chat.wait_for(lambda m: "is no longer" in m.text)
    assert "revoke" not in await menu_commands(client, dana.id)  # the learner menu is back
    assert "lesson" in await menu_commands(client, dana.id)
    mark = await dana_chat.mark()
    await dana_chat.send(f"/revoke {NO_CODE} x")
    await dana_chat.wait_for(lambda m: m.message_id > mark and "/grant" in m.text)

    await owner_chat.send(f"/grant coordinator {dana.id}")
    await owner_chat.wait_for(lambda m: m.text.count("is now") and "Dana" in m.text and "id" in m.text)
    await dana_chat.leave()  # leaving the admin chat takes the staff side away at once
    await dana.send(f"/revoke {NO_CODE} x")
    refused = await dana.wait_for(lambda m: "сотрудник" in m.text)
    assert NO_CODE not in refused.text


async def test_a_learner_is_refused_every_staff_command_and_a_forged_staff_button(
        start_bot: AppFactory, client: SandboxClient, caplog: pytest.LogCaptureFixture) -> None:
    """issue 10 (ground) item 3: /grant, /ungrant, /staff, /revoke, /reissue from a learner, in private
    and in the admin chat, and a forged staff button: a polite answer, nothing changes, a log line
    names the user."""
    app: Talimger = await start_bot(admin_chat_id=ADMIN_CHAT_ID, owner_ids=[OWNER_ID])
    owner = await client.new_user("Olga", id=OWNER_ID, language_code="en")
    learner = await client.new_user("Eve", language_code="en")
    instructor = await client.new_user("Ivan", language_code="en")
    await client.new_group("Admins", [owner, learner, instructor], id=ADMIN_CHAT_ID, type="supergroup")
    await hold_role(app, instructor.id, Role.INSTRUCTOR)
    assert app.uow_factory is not None

    async def snapshot() -> tuple[object, ...]:
        async with app.uow_factory() as uow:  # type: ignore[union-attr]
            grants = (await uow.session.execute(select(StaffRole.id, StaffRole.user_id, StaffRole.role))).all()
            certificates = (await uow.session.execute(select(func.count(Certificate.id)))).scalar_one()
        return tuple(grants), certificates

    before = await snapshot()
    caplog.set_level(logging.INFO, logger="handlers.common.staff_refusal")
    await learner.start()
    welcome = await learner.wait_for(lambda m: True)
    for command in STAFF_COMMANDS:
        mark = await learner.mark()
        await learner.send(command)
        answer = await learner.wait_for(lambda m: m.message_id > mark)
        assert answer.text == "Sorry, this is for the course staff only. Nothing was changed.", command
        in_group = learner.in_chat(ADMIN_CHAT_ID)
        mark = await in_group.mark()
        await in_group.send(command)
        answer = await in_group.wait_for(lambda m: m.message_id > mark)
        assert answer.text.startswith("You do not have the staff role this command needs. Ask an owner"), command
    query = await learner.press(welcome, callback_data="sg:1", forge=True)  # /staff's "take away" button
    answer = await learner.wait_for_answer(query)
    assert answer["text"] == "Sorry, this is for the course staff only. Nothing was changed."

    assert await snapshot() == before
    refusals = [r.getMessage() for r in caplog.records if r.name == "handlers.common.staff_refusal"]
    assert len(refusals) == 2 * len(STAFF_COMMANDS) + 1
    assert all(f"user {learner.id}" in line for line in refusals)


async def test_each_staff_members_private_menu_is_set_at_start_in_their_language(
        start_bot: AppFactory, client: SandboxClient) -> None:
    """issue 10 (ground) item 4: at start every role holder's private menu lists their staff commands in
    their language (the learner commands stay), and the admin chat keeps its own staff menu."""
    first = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    aliya = await client.new_user("Aliya", language_code="kk")
    learner = await client.new_user("Eve", language_code="kk")
    await client.new_group("Admins", [aliya], id=ADMIN_CHAT_ID, type="supergroup")
    for person in (aliya, learner):
        await person.start()
        await person.wait_for(lambda m: True)
    await hold_role(first, aliya.id, Role.COORDINATOR)
    await first.stop()

    await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    menu = await menu_commands(client, aliya.id)
    assert menu["revoke"] == "Сертификатты кері қайтару: КОД СЕБЕП" and "lesson" in menu and "grant" not in menu
    assert "revoke" not in await menu_commands(client, learner.id)
    group_menu = await client.user(aliya.id, ADMIN_CHAT_ID).command_menu()
    assert [item["command"] for item in group_menu["commands"]][:2] == ["revoke", "reissue"]


async def menu_settled(client: SandboxClient, user_id: int, done) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The menu once `done` holds (the bot sets it after its answer), or as it is after 5 s."""
    for _attempt in range(100):
        menu = await menu_commands(client, user_id)
        if done(menu):
            break
        await asyncio.sleep(0.05)
    return menu


async def test_leaving_the_admin_chat_brings_the_learner_menu_back_at_once(start_bot: AppFactory,
                                                                           client: SandboxClient) -> None:
    """issue 10 item 2: before, the private menu kept the staff commands after leaving the admin
    chat (until a restart or a regrant); now the chat_member update restores the learner menu."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID, owner_ids=[OWNER_ID])
    owner = await client.new_user("Olga", id=OWNER_ID, language_code="en")
    dana = await client.new_user("Dana", last_name="Omarova", language_code="ru")
    await client.new_group("Admins", [owner, dana], id=ADMIN_CHAT_ID, type="supergroup")
    owner_chat, dana_chat = owner.in_chat(ADMIN_CHAT_ID), dana.in_chat(ADMIN_CHAT_ID)
    hello = await dana_chat.send("Please make me a coordinator")
    await owner_chat.send("/grant coordinator", reply_to=hello["message"]["message_id"])
    await owner_chat.wait_for(lambda m: "Dana Omarova" in m.text and "coordinator" in m.text)
    assert "revoke" in await menu_settled(client, dana.id, lambda menu: "revoke" in menu)

    await dana_chat.leave()
    menu = await menu_settled(client, dana.id, lambda menu: "revoke" not in menu)
    assert "revoke" not in menu and menu["lesson"]  # the learner menu, in her language
    assert any("урок" in text.lower() or "лекц" in text.lower() for text in menu.values())
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:  # the grant itself stays: coming back restores the staff side
        assert await uow.session.scalar(select(func.count()).select_from(StaffRole)) == 1
