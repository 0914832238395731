"""With no token, `talimger run` gives the browser's Instructor and Coordinator a working admin
chat: the bot knows its id, they are staff, /help and the "/" menu list the staff commands."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.client import SandboxClient
from tests.e2e.talimger_run import talimger_run

WAIT = 30.0
INSTRUCTOR, COORDINATOR = 900_001, 900_002
# issue 10: the instructors' content commands, listed between the coordinators' and the owners'.
# issue 11: the coordinators' /message, after /reissue.
INSTRUCTOR_MENU = {
    "en": {"preview": "Read the draft as a learner sees it", "diff": "What the draft changes",
           "publish": "Make the draft live", "rollback": "Go back to the previous version",
           "history": "Who changed the course, and when", "courses": "Courses, learners, versions, drafts",
           "export": "The course as a .zip to edit"},
    "ru": {"preview": "Прочитать черновик глазами слушателя", "diff": "Что меняет черновик",
           "publish": "Опубликовать черновик", "rollback": "Вернуть предыдущую версию",
           "history": "Кто и когда менял курс", "courses": "Курсы, слушатели, версии, черновики",
           "export": "Курс в .zip для правки"},
    "kk": {"preview": "Жобаны тыңдаушы көретіндей оқу", "diff": "Жоба нені өзгертеді",
           "publish": "Жобаны жариялау", "rollback": "Алдыңғы нұсқаға қайту",
           "history": "Курсты кім, қашан өзгертті", "courses": "Курстар, тыңдаушылар, нұсқалар, жобалар",
           "export": "Өңдеуге арналған курс (.zip)"},
}
STAFF_MENU = {
    "en": {"revoke": "Revoke a certificate: CODE REASON", "reissue": "Re-issue a certificate under a new code: CODE",
           "stats": "Course figures and the funnel chart", "stuck": "Stalled learners, and a nudge for them all",
           "message": "Write to a learner: ID or @username, then the text",
           "broadcast": "Send an announcement to learners", "broadcasts": "Recent broadcasts and their figures",
           "grant": "Give a staff role (owners)", "ungrant": "Take a staff role away (owners)",
           "staff": "Everyone with a staff role (owners)", "help": "Commands of the admin chat"},
    "ru": {"revoke": "Отозвать сертификат: КОД ПРИЧИНА", "reissue": "Переоформить сертификат под новым кодом: КОД",
           "stats": "Показатели курса и диаграмма воронки", "stuck": "Остановившиеся слушатели и напоминание всем",
           "message": "Написать слушателю: ID или @username, затем текст",
           "broadcast": "Отправить объявление слушателям", "broadcasts": "Последние рассылки и их цифры",
           "grant": "Выдать роль сотрудника (владельцы)", "ungrant": "Забрать роль сотрудника (владельцы)",
           "staff": "Все, у кого есть роль сотрудника (владельцы)", "help": "Команды админ-чата"},
    "kk": {"revoke": "Сертификатты кері қайтару: КОД СЕБЕП", "reissue": "Сертификатты жаңа кодпен қайта беру: КОД",
           "stats": "Курс көрсеткіштері және воронка диаграммасы",
           "stuck": "Тоқтап қалған тыңдаушылар және барлығына еске салу",
           "message": "Тыңдаушыға жазу: ID немесе @username, содан кейін мәтін",
           "broadcast": "Тыңдаушыларға хабарландыру жіберу", "broadcasts": "Соңғы хабарландырулар және көрсеткіштері",
           "grant": "Қызметкер рөлін беру (иелер)", "ungrant": "Қызметкер рөлін алып тастау (иелер)",
           "staff": "Қызметкер рөлі барлардың бәрі (иелер)", "help": "Әкімші чатының командалары"},
}


async def bot_api(client: SandboxClient, method: str, **params: Any) -> Any:
    """A Bot API call as the bot makes it (the sandbox's one token)."""
    token = (await client.bot_info())["token"]
    answer = await client.request("POST", f"/bot{token}/{method}", json=params)
    assert answer["ok"], answer
    return answer["result"]


async def test_the_admin_chat_works_out_of_the_box_with_staff_help_and_menu(
        tmp_path: Path, bot_database_url: str) -> None:
    """issue 9 item 14: before, with no token the bot had no admin chat: /help said nothing there,
    the staff were nobody, and the admin chat's menu showed the learner commands."""
    async with talimger_run(tmp_path, bot_database_url) as client:
        config = await client.request("GET", "/sandbox/web/config")
        group = config["admin_chat"]["chat_id"]
        assert config["admin_chat"]["exists"] and group < 0
        for member in (INSTRUCTOR, COORDINATOR):
            assert (await bot_api(client, "getChatMember", chat_id=group, user_id=member))["status"] in (
                "creator", "administrator")

        instructor = client.user(INSTRUCTOR, chat_id=group)
        await instructor.send("/help")
        answer = await instructor.wait_for(lambda m: "Commands of the admin chat" in m.text, timeout=WAIT)
        assert "/revoke CODE REASON" in answer.text and "/reissue CODE" in answer.text
        assert "/lesson" not in answer.text

        # The staff are recognised: an unknown code is refused as unknown, not as "coordinators only".
        coordinator = client.user(COORDINATOR, chat_id=group)
        await coordinator.send("/revoke NoSuchCode0000000000000 a test")
        refusal = await coordinator.wait_for(lambda m: "NoSuchCode" in m.text, timeout=WAIT)
        assert refusal.text.startswith("There is no certificate with the code")

        scope = {"type": "chat", "chat_id": group}
        for language, menu in STAFF_MENU.items():
            listed = await bot_api(client, "getMyCommands", scope=scope, language_code=language)
            assert {item["command"]: item["description"] for item in listed} == {**INSTRUCTOR_MENU[language], **menu}
        shown = await instructor.command_menu()
        assert shown["scope"] == f"chat:{group}" and [c["command"] for c in shown["commands"]] == [
            "revoke", "reissue", "stats", "stuck", "message", "broadcast", "broadcasts", "preview", "diff",
            "publish", "rollback", "history", "courses", "export",
            "grant", "ungrant", "staff", "help"]

    # Started again on the same folder: the same group is still the admin chat.
    async with talimger_run(tmp_path, bot_database_url) as client:
        assert (await client.request("GET", "/sandbox/web/config"))["admin_chat"]["chat_id"] == group
        instructor = client.user(INSTRUCTOR, chat_id=group)
        await instructor.send("/help")
        await instructor.wait_for(lambda m: "Commands of the admin chat" in m.text, timeout=WAIT)
