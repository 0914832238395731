"""issue 12 (leftover of issue 10): a course file's YAML syntax error and its texts' HTML mistakes
reach a kk or ru instructor in their own language, each a whole sentence with the line (and the
column, or the place in the course), through the sandbox's admin chat."""
from __future__ import annotations

from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.conftest import MINI_COURSE
from tests.e2e.conftest import AppFactory
from tests.e2e.content_steps import INSTRUCTOR_ID, RU_INSTRUCTOR_ID, WAIT, rows, start_with_kk_and_ru_instructors

INTRO_KK = "        kk: Intro text of lecture 1 (kk)\n"


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


async def test_yaml_syntax_errors_and_html_mistakes_are_read_in_kazakh_and_russian(
        sandbox: Sandbox, client: SandboxClient, start_bot: AppFactory) -> None:
    """issue 12: before, "YAML syntax error: while scanning for the next token, found character '\\t'…" and
    "HTML: <blink> is not allowed (…)" came in English to every instructor, inside a localized report."""
    app = await start_with_kk_and_ru_instructors(sandbox, start_bot)
    versions = await rows(app, "SELECT id, state FROM course_versions ORDER BY id")
    mini = MINI_COURSE.read_text(encoding="utf-8")
    assert INTRO_KK in mini
    tab = mini.replace(INTRO_KK, "\tkk: Intro text of lecture 1 (kk)\n", 1)
    quote = mini.replace("workload_hours: 2\n", "workload_hours: 2\nformat_note: \"online\n", 1)
    html = mini.replace(INTRO_KK, "        kk: Intro <blink>text</blink> of <b>lecture 1 (kk)\n", 1)
    tab_line, html_line = line_of(tab, "\tkk: Intro"), line_of(html, "<blink>")
    quote_line, end_line = line_of(quote, "format_note"), len(quote.splitlines()) + 1
    where = "weeks[#1].lectures[l1].chunks[intro].text.kk"
    expected = {
        INSTRUCTOR_ID: [
            (tab, f"mini.yaml:{tab_line}: YAML синтаксис қатесі, 1-баған: шегініс табуляциямен жасалған; YAML-да "
                  "шегініс тек бос орындармен жасалады, сондықтан табуляцияны бос орындармен ауыстырыңыз."),
            (quote, f"mini.yaml:{end_line}: YAML синтаксис қатесі: {quote_line}-жолдың 14-бағанында ашылған "
                    "тырнақшадағы мәтін жабылмаған; жабатын тырнақшаны қойыңыз."),
            (html, f"mini.yaml:{html_line}: {where}: Telegram HTML-да <blink> тегіне рұқсат жоқ; тек b, i, u, s, "
                   "code, pre, a, blockquote тегтерін қолданыңыз, ал “<” таңбасының өзін &lt; деп жазыңыз. "
                   "Telegram HTML-да </blink> жабатын тегіне рұқсат жоқ. "
                   "<b> тегі жабылмаған; ол аяқталатын жерге </b> қойыңыз."),
        ],
        RU_INSTRUCTOR_ID: [
            (tab, f"mini.yaml:{tab_line}: Синтаксическая ошибка YAML в столбце 1: отступ сделан табуляцией; в YAML "
                  "отступы делаются только пробелами, поэтому замените табуляцию пробелами."),
            (quote, f"mini.yaml:{end_line}: Синтаксическая ошибка YAML: текст в кавычках, открытый в строке "
                    f"{quote_line}, столбце 14, не закрыт; поставьте закрывающую кавычку."),
            (html, f"mini.yaml:{html_line}: {where}: Тег <blink> не разрешён в Telegram HTML; используйте только "
                   "b, i, u, s, code, pre, a, blockquote, а сам знак «<» пишите как &lt;. "
                   "Закрывающий тег </blink> не разрешён в Telegram HTML. "
                   "Тег <b> не закрыт; поставьте </b> там, где он заканчивается."),
        ],
    }
    for user_id, cases in expected.items():
        instructor = client.user(user_id)
        for text, line in cases:
            mark = await instructor.mark()
            await instructor.send_document(text.encode(), filename="mini.yaml")
            answer = await instructor.wait_for(lambda m: m.text.startswith("⛔"), timeout=WAIT, since=mark)
            assert line in answer.text.splitlines(), answer.text
            assert "YAML syntax error" not in answer.text and "not allowed" not in answer.text
    assert await rows(app, "SELECT id, state FROM course_versions ORDER BY id") == versions
