"""Direct contact between coordinators and learners (issue 11, "Direct contact"): /message, a
reply to the bot's copy of a learner's message, a learner's reply or /contact coming back to the
admin chat with who wrote it; the refusals; and the announcements opt-out in /settings."""
from __future__ import annotations

from sqlalchemy import select

from bot.app import Talimger
from bot.db.models import Enrolment, User
from bot.services.staff import Role
from sandbox.client import ChatUser, SandboxClient
from sandbox.client_models import SandboxMessage
from tests.e2e.conftest import AppFactory
from tests.e2e.driver import CourseKey, LearnerDriver
from tests.e2e.staff_steps import hold_role

ADMIN_CHAT_ID = -1001234567
FROM_COORDINATORS = {"ru": "✉️ Сообщение от координаторов курса", "kk": "✉️ Курс үйлестірушілерінен хабарлама",
                     "en": "✉️ A message from the course coordinators"}


async def admin_chat_with_coordinator(client: SandboxClient, app: Talimger) -> tuple[ChatUser, ChatUser]:
    """Dana, a coordinator (an owner's grant), in the admin chat; returns (her private chat, the admin chat)."""
    dana = await client.new_user("Dana", language_code="en")
    await client.new_group("Admins", [dana], admins=[dana], id=ADMIN_CHAT_ID, type="supergroup")
    await hold_role(app, dana.id, Role.COORDINATOR)
    return dana, dana.in_chat(ADMIN_CHAT_ID)


async def enrolled(client: SandboxClient, key: CourseKey, locale: str, username: str | None = "aigerim_s") -> ChatUser:
    user = await client.new_user("Aigerim", last_name="Sadykova", username=username, language_code=locale)
    await LearnerDriver(user, key, locale).start()  # picks the language and enrols in the sample course
    return user


async def stored_user(app: Talimger, user_id: int) -> User:
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        user = await uow.session.scalar(select(User).where(User.id == user_id))
        assert user is not None
        return user


def from_coordinators(locale: str):  # type: ignore[no-untyped-def]
    return lambda m: m.text.startswith(FROM_COORDINATORS[locale])


async def test_a_coordinators_message_reaches_the_learner_and_replies_go_back_and_forth(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 11 (direct contact): /message @username reaches the learner in their language; the
    learner's reply comes to the admin chat under a header naming them, their id and course; the
    coordinator's reply to that copy reaches the learner, and so on."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    _dana, admin = await admin_chat_with_coordinator(client, app)
    learner = await enrolled(client, course_key, "ru")

    await admin.send("/message @Aigerim_S Your lab work 2 is checked: well done!")
    first = await learner.wait_for(from_coordinators("ru"))
    assert "Your lab work 2 is checked: well done!" in first.text
    assert first.text.endswith("Чтобы ответить координаторам, ответьте на это сообщение.")
    done = await admin.wait_for(lambda m: m.text.startswith("✅ Delivered"))
    assert done.text == f"✅ Delivered to Aigerim Sadykova (id {learner.id}, @aigerim_s)."

    await learner.send("Спасибо! А когда откроется тест?", reply_to=first.message_id)
    await learner.wait_for(lambda m: m.text == "✅ Отправлено координаторам курса. Их ответ придёт в этот чат.")
    copy = await admin.wait_for(lambda m: "Спасибо! А когда откроется тест?" in m.text)
    assert copy.text.splitlines()[:3] == [
        "✉️ A message from a learner",
        f"From: Aigerim Sadykova (id {learner.id}, @aigerim_s)",
        "Course: Python programming basics (python-basics)",
    ]
    assert copy.text.endswith("Reply to this message to answer the learner.")

    await admin.send("The quiz opens on Monday.", reply_to=copy.message_id)
    answer = await learner.wait_for(lambda m: from_coordinators("ru")(m) and "The quiz opens on Monday." in m.text)
    await admin.wait_for(lambda m: m.text.startswith("✅ Delivered"))
    # And on: the learner answers that one too, and it comes back with the header again.
    await learner.send("Понятно, спасибо", reply_to=answer.message_id)
    again = await admin.wait_for(lambda m: "Понятно, спасибо" in m.text)
    assert again.text.startswith("✉️ A message from a learner") and str(learner.id) in again.text


async def test_a_coordinator_writes_from_their_private_chat_and_the_answer_comes_to_the_admin_chat(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 11 (direct contact): /message by id works in the coordinator's private chat too; the
    learner's reply comes to the admin chat, where the coordinators see it."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    dana, admin = await admin_chat_with_coordinator(client, app)
    learner = await enrolled(client, course_key, "kk", username=None)

    await dana.send(f"/message {learner.id} Please send your lab work by Friday.\nThank you!")
    got = await learner.wait_for(from_coordinators("kk"))
    assert "Please send your lab work by Friday.\nThank you!" in got.text
    assert (await dana.wait_for(lambda m: m.text.startswith("✅"))).text == (
        f"✅ Delivered to Aigerim Sadykova (id {learner.id}).")
    await learner.send("Жарайды: 2 < 3 & <b>", reply_to=got.message_id)  # markup characters stay text
    copy = await admin.wait_for(lambda m: "Жарайды" in m.text)
    assert f"From: Aigerim Sadykova (id {learner.id})" in copy.text and "Жарайды: 2 < 3 & <b>" in copy.text

    # A text that does not fit under the header in one message comes as the header, then the text.
    long_text = "ұзақ " * 815  # 4075 characters
    await learner.send(long_text.strip(), reply_to=got.message_id)
    body = await admin.wait_for(lambda m: m.text == long_text.strip())
    header = await admin.wait_for(lambda m: m.message_id == body.message_id - 1, since=-1)
    assert header.text.startswith("✉️ A message from a learner")
    await admin.send("Received the long one.", reply_to=body.message_id)
    await learner.wait_for(lambda m: from_coordinators("kk")(m) and "Received the long one." in m.text)


async def test_a_learner_writes_to_the_coordinators_with_contact(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 11 (direct contact): /contact TEXT, or /contact and then the message, goes to the admin
    chat with the header; a coordinator's reply to it reaches the learner."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    _dana, admin = await admin_chat_with_coordinator(client, app)
    learner = await enrolled(client, course_key, "en")

    await learner.send("/contact I cannot open the video of lecture 2")
    await learner.wait_for(lambda m: m.text.startswith("✅ Sent to the course coordinators"))
    copy = await admin.wait_for(lambda m: "I cannot open the video of lecture 2" in m.text)
    assert copy.text.startswith("✉️ A message from a learner\nFrom: Aigerim Sadykova")

    await learner.send("/contact")
    await learner.wait_for(lambda m: m.text.startswith("Write your message to the course coordinators"))
    await learner.send("It works now, thanks")
    await learner.wait_for(lambda m: m.text.startswith("✅ Sent to the course coordinators"))
    second = await admin.wait_for(lambda m: "It works now, thanks" in m.text)
    await admin.send("Glad to hear it!", reply_to=second.message_id)
    await learner.wait_for(lambda m: from_coordinators("en")(m) and "Glad to hear it!" in m.text)

    # The next free text is not taken for the coordinators: it gets the usual answer.
    await learner.send("hello?")
    await learner.wait_for(lambda m: m.text.startswith("I did not understand that"))

    # A file goes as it is (copied), under the header; a reply to either of the two answers the learner.
    await learner.send("/contact")
    await learner.wait_for(lambda m: m.text.startswith("Write your message to the course coordinators"))
    await learner.send_document(b"print('hello')\n", filename="lab1.py", caption="My lab 1")
    await learner.wait_for(lambda m: m.text.startswith("✅ Sent to the course coordinators"))
    copied = await admin.wait_for(lambda m: m.media is not None and m.text == "My lab 1")
    header = await admin.wait_for(lambda m: m.message_id == copied.message_id - 1, since=-1)
    assert header.text.startswith("✉️ A message from a learner\nFrom: Aigerim Sadykova")
    await admin.send("Checked: correct.", reply_to=copied.message_id)
    await learner.wait_for(lambda m: from_coordinators("en")(m) and "Checked: correct." in m.text)

    # /contact, then Cancel: nothing is sent, and the next text is ordinary again.
    await learner.send("/contact")
    prompt = await learner.wait_for(lambda m: m.text.startswith("Write your message to the course coordinators"))
    await learner.press(prompt, "Cancel")
    await learner.wait_for(lambda m: m.text.startswith("Cancelled."))
    await learner.send("never mind")
    await learner.wait_for(lambda m: m.text.startswith("I did not understand that"))
    await admin.wait_quiet(period=0.5)
    assert not any("never mind" in m.text for m in await admin.transcript())


async def test_coordinators_get_clear_answers_for_an_unknown_learner_no_text_and_a_blocked_learner(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 11 (direct contact): what the coordinator is told when nothing can be delivered."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    _dana, admin = await admin_chat_with_coordinator(client, app)
    learner = await enrolled(client, course_key, "ru")

    await admin.send("/message 999999 hello")
    unknown = await admin.wait_for(lambda m: "999999" in m.text)
    assert unknown.text == ("No learner with the id or username “999999” has written to the bot. "
                            "Nothing was sent.")
    await admin.send("/message @nobody_here hello")
    await admin.wait_for(lambda m: m.text.startswith("No learner with the id or username “@nobody_here”"))
    await admin.send("/message @aigerim_s")
    empty = await admin.wait_for(lambda m: m.text.startswith("The message is empty"))
    assert empty.text == "The message is empty. Write the text after the learner: /message @aigerim_s TEXT"
    await admin.send("/message")
    await admin.wait_for(lambda m: m.text.startswith("Usage: /message LEARNER TEXT"))

    await learner.block()
    await admin.send(f"/message {learner.id} Are you still with us?")
    blocked = await admin.wait_for(lambda m: m.text.startswith("⛔"))
    assert blocked.text.startswith(f"⛔ Aigerim Sadykova (id {learner.id}, @aigerim_s) has blocked the bot: "
                                   "the message was not delivered.")
    assert not (await stored_user(app, learner.id)).is_active  # no reminders until they write again
    transcript = await learner.transcript()
    assert not any(m.from_bot and "Are you still with us?" in m.text for m in transcript)


async def test_a_learner_is_refused_message_and_their_ordinary_text_is_not_passed_on(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 11 (direct contact): /message is the coordinators' (the router guard refuses a learner);
    a learner's free text, or a reply to a lecture message, still gets the usual answer and never
    reaches the admin chat."""
    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    _dana, admin = await admin_chat_with_coordinator(client, app)
    other = await enrolled(client, course_key, "en", username="other_one")
    learner = await client.new_user("Marat", language_code="en")
    first_chunk = await LearnerDriver(learner, course_key, "en").start()

    await learner.send(f"/message {other.id} you are hacked")
    refusal = await learner.wait_for(lambda m: "staff" in m.text)
    assert refusal.text == "Sorry, this is for the course staff only. Nothing was changed."
    await learner.send("what is a variable?")
    await learner.wait_for(lambda m: m.text.startswith("I did not understand that"))
    await learner.send("and this one?", reply_to=first_chunk.message_id)
    await learner.wait_for(lambda m: m.text.startswith("I did not understand that"))

    await admin.wait_quiet(period=0.5)
    assert not any(m.from_bot and ("you are hacked" in m.text or "variable" in m.text or "this one" in m.text)
                   for m in await admin.transcript())
    assert not any(m.from_bot and "hacked" in m.text for m in await other.transcript())


async def test_contact_without_an_admin_chat_says_the_coordinators_cannot_be_reached(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 11 (direct contact): no ADMIN_CHAT_ID: the learner is told, nothing is lost silently."""
    await start_bot()
    learner = await enrolled(client, course_key, "kk")
    await learner.send("/contact Сәлеметсіз бе")
    answer = await learner.wait_for(lambda m: m.text.startswith("Кешіріңіз"))
    assert answer.text == ("Кешіріңіз, қазір курс үйлестірушілеріне бот арқылы жазу мүмкін емес. Ештеңе "
                           "жіберілген жоқ; кейінірек қайталап көріңіз.")


async def press_and_see(user: ChatUser, menu: SandboxMessage, label: str) -> SandboxMessage:
    await user.press(menu, label)
    return await user.wait_for(lambda m: m.message_id == menu.message_id and label not in m.button_texts)


async def test_the_announcements_toggle_opts_out_and_back_in_shown_in_the_learners_language(
        bot_app: Talimger, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 11 (opt-out): /settings has "Announcements: on / off", in the learner's language; it
    changes users.announcements, which broadcasts read."""
    kk = await enrolled(client, course_key, "kk", username=None)
    await kk.send("/settings")
    menu = await kk.wait_for(lambda m: "📢 Хабарландырулар: қосулы" in m.button_texts)
    assert (await stored_user(bot_app, kk.id)).announcements
    off = await press_and_see(kk, menu, "📢 Хабарландырулар: қосулы")
    assert "📢 Хабарландырулар: өшірулі" in off.button_texts
    assert not (await stored_user(bot_app, kk.id)).announcements
    on = await press_and_see(kk, off, "📢 Хабарландырулар: өшірулі")
    assert "📢 Хабарландырулар: қосулы" in on.button_texts
    assert (await stored_user(bot_app, kk.id)).announcements

    ru = await client.new_user("Ivan", language_code="ru")
    await LearnerDriver(ru, course_key, "ru").start()
    await ru.send("/settings")
    menu = await ru.wait_for(lambda m: "📢 Объявления: вкл." in m.button_texts)
    off = await press_and_see(ru, menu, "📢 Объявления: вкл.")
    assert "📢 Объявления: выкл." in off.button_texts
    assert not (await stored_user(bot_app, ru.id)).announcements


async def test_a_coordinator_of_one_course_cannot_message_a_learner_of_another(
        start_bot: AppFactory, client: SandboxClient, course_key: CourseKey) -> None:
    """issue 11 fix item 2: a coordinator granted only the "mini" course gets, for a learner of
    python-basics, exactly the answer an unknown id gets (nothing sent, nothing learnt); a learner
    of their own course is reached."""
    from tests.e2e.test_course_scope import load_mini  # the second course, published

    app = await start_bot(admin_chat_id=ADMIN_CHAT_ID)
    other = await enrolled(client, course_key, "ru")  # python-basics only
    mini_id = await load_mini(app)
    dana = await client.new_user("Dana", language_code="en")
    await client.new_group("Admins", [dana], admins=[dana], id=ADMIN_CHAT_ID, type="supergroup")
    await hold_role(app, dana.id, Role.COORDINATOR, course="mini")
    admin = dana.in_chat(ADMIN_CHAT_ID)

    await admin.send("/message 987654321 Hello")
    unknown = await admin.wait_for(lambda m: m.text.startswith("No learner"))
    for reference in (str(other.id), "@aigerim_s"):
        await admin.send(f"/message {reference} Hello")
        refused = await admin.wait_for(lambda m: m.text.startswith("No learner"))
        assert refused.text == unknown.text.replace("987654321", reference)
    assert not [m for m in await other.transcript() if from_coordinators("ru")(m)]

    # Enrolled in mini as well: now within Dana's courses.
    assert app.uow_factory is not None
    async with app.uow_factory() as uow:
        await uow.begin_write()
        course = await uow.courses.get(mini_id)
        assert course is not None and course.current_version_id is not None
        now = app.clock.now()
        uow.session.add(Enrolment(user_id=other.id, course_id=mini_id, version_id=course.current_version_id,
                                  enrolled_at=now, last_activity_at=now))
        await uow.commit()
    await admin.send(f"/message {other.id} Hello from mini")
    await other.wait_for(lambda m: from_coordinators("ru")(m) and "Hello from mini" in m.text)
    await admin.wait_for(lambda m: m.text.startswith("✅ Delivered"))
