"""A learner as a person would act: read what the bot shows, press what a person would press."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from content import load_course
from sandbox.client import ChatUser
from sandbox.client_models import SandboxMessage
from sandbox.html_entities import parse_html

# The interface words the tests press, per language (the catalogs must agree, or tests fail).
WORDS = {
    "en": {"next": "Next ▶", "quiz": "📝 Take the quiz", "next_lecture": "▶ Start the next lecture",
           "retake": "🔁 Retake the quiz", "language": "🇬🇧 English", "question": "Question",
           "result": "Quiz result", "final": "🎯 Start the final test", "final_result": "Final test result",
           "name_yes": "✅ Yes, that is right", "name_change": "✏️ Change the name"},
    "ru": {"next": "Далее ▶", "quiz": "📝 Пройти тест", "next_lecture": "▶ Начать следующую лекцию",
           "retake": "🔁 Пройти тест заново", "language": "🇷🇺 Русский", "question": "Вопрос",
           "result": "Результат теста", "final": "🎯 Начать итоговый тест",
           "final_result": "Результат итогового теста", "name_yes": "✅ Да, всё верно",
           "name_change": "✏️ Изменить имя"},
    "kk": {"next": "Әрі қарай ▶", "quiz": "📝 Тест тапсыру", "next_lecture": "▶ Келесі дәріске өту",
           "retake": "🔁 Тестті қайта тапсыру", "language": "🇰🇿 Қазақша", "question": "Сұрақ",
           "result": "Тест нәтижесі", "final": "🎯 Қорытынды тестті бастау",
           "final_result": "Қорытынды тест нәтижесі", "name_yes": "✅ Иә, дұрыс",
           "name_change": "✏️ Аты-жөнді өзгерту"},
}
FINAL_RETAKE = {"en": "🔁 Retake the final test", "ru": "🔁 Пройти итоговый тест заново",
                "kk": "🔁 Қорытынды тестті қайталау"}
LETTER_LINE = re.compile(r"^(?:[✅❌▫️]+\s*)?([A-H])\. (.*)$")


def plain(html: str) -> str:
    return parse_html(html)[0]


@dataclass
class CourseKey:
    """Answers of the sample course, looked up by the question text a learner sees."""

    answers: dict[str, str] = field(default_factory=dict)  # question text -> right option text
    lecture_titles: dict[str, list[str]] = field(default_factory=dict)  # locale -> titles in order

    @classmethod
    def from_course(cls, path: Path) -> CourseKey:
        course = load_course(path)
        key = cls()
        for locale in ("kk", "ru", "en"):
            key.lecture_titles[locale] = [plain(getattr(lecture.title, locale)) for lecture in course.lectures]
            for lecture in course.lectures:
                for question in lecture.questions:
                    right = question.options[question.correct_index]
                    key.answers[plain(getattr(question.text, locale))] = plain(getattr(right.text, locale))
        return key

    def right_letter(self, message: SandboxMessage) -> str:
        options = {}
        question = None
        for text, answer in self.answers.items():
            if text in message.text:
                question = text
                break
        assert question is not None, f"question not in the sample course: {message.text!r}"
        for line in message.text.splitlines():
            match = LETTER_LINE.match(line.strip())
            if match:
                options[match.group(2).strip()] = match.group(1)
        return options[self.answers[question]]

    def wrong_letter(self, message: SandboxMessage) -> str:
        right = self.right_letter(message)
        return next(button.text for button in message.all_buttons if button.text != right)


def is_question(message: SandboxMessage) -> bool:
    return bool(message.buttons) and all(len(button.text) == 1 for button in message.all_buttons)


def has_button(text: str):  # type: ignore[no-untyped-def]
    return lambda message: text in message.button_texts


class LearnerDriver:
    def __init__(self, user: ChatUser, key: CourseKey, locale: str, timeout: float = 10.0) -> None:
        self.user = user
        self.timeout = timeout
        self.key = key
        self.locale = locale
        self.words = WORDS[locale]

    async def start(self, payload: str | None = None) -> SandboxMessage:
        """/start, pick the language by pressing it; returns the first chunk."""
        await (self.user.start(payload) if payload else self.user.send("/start"))
        picker = await self.user.wait_for(lambda m: any(self.words["language"] in text for text in m.button_texts), timeout=self.timeout)
        await self.user.press(picker, next(text for text in picker.button_texts if self.words["language"] in text))
        return await self.user.wait_for(lambda m: has_button(self.words["next"])(m) or has_button(self.words["quiz"])(m), timeout=self.timeout)

    async def read_lecture(self, first: SandboxMessage) -> SandboxMessage:
        """Press "Next" until the "Take the quiz" button; returns that last chunk."""
        message = first
        while self.words["quiz"] not in message.button_texts:
            await self.user.press(message, self.words["next"])
            message = await self.user.wait_for(
                lambda m: m.message_id > message.message_id and (
                    self.words["next"] in m.button_texts or self.words["quiz"] in m.button_texts), timeout=self.timeout)
        return message

    async def take_quiz(self, last_chunk: SandboxMessage, correct: int, button: str | None = None,
                        result_word: str | None = None) -> SandboxMessage:
        """Answer every question, the first `correct` of them rightly; returns the result message."""
        await self.user.press(last_chunk, button or self.words["quiz"])
        result_word = result_word or self.words["result"]
        result = None
        for number in range(100):
            question = await self.user.wait_for(lambda m: is_question(m), timeout=self.timeout)
            letter = self.key.right_letter(question) if number < correct else self.key.wrong_letter(question)
            await self.user.press(question, letter)
            position, total = self._position(question)
            if position == total:
                result = await self.user.wait_for(lambda m: m.message_id > question.message_id
                                                  and m.text.startswith(result_word), timeout=self.timeout)
                break
            await self.user.wait_for(lambda m: m.message_id > question.message_id and is_question(m), timeout=self.timeout)
        assert result is not None
        return result

    async def take_final_test(self, offer: SandboxMessage, correct: int) -> SandboxMessage:
        """Press the final test's button under `offer` and answer; returns the result message."""
        button = next(text for text in offer.button_texts if text in (self.words["final"], FINAL_RETAKE[self.locale]))
        return await self.take_quiz(offer, correct, button=button, result_word=self.words["final_result"])

    def _position(self, question: SandboxMessage) -> tuple[int, int]:
        numbers = re.search(rf"{self.words['question']}\D*(\d+)\D+(\d+)", question.text)
        assert numbers, question.text
        return int(numbers.group(1)), int(numbers.group(2))
