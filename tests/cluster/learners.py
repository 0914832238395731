"""Learners for the cluster tests: each plays as a person, acting on what the chat shows, and
the checks on what the sandbox recorded (issue 12)."""
from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sandbox import Sandbox
from sandbox.client import ChatUser
from sandbox.client_models import SandboxMessage
from tests.e2e.driver import WORDS, CourseKey, is_question

# A learner who hears nothing this long asks again with /lesson, as a person would. Longer than
# any reply waits for its turn at 30 sends a second, so it is only ever a reply that was lost
# (sent by a replica after its update was committed, the replica killed before the send).
PATIENCE = 60.0
QUESTION_NUMBERS = re.compile(r"(\d+)\D+(\d+)")


@dataclass
class LearnerRun:
    user_id: int
    questions_answered: int = 0
    total_questions: int = 0
    finished: bool = False
    asked_again_at: list[float] = field(default_factory=list)  # sandbox clock times of /lesson
    error: str | None = None


async def take_first_lecture_and_quiz(user: ChatUser, key: CourseKey, sandbox: Sandbox,
                                      progress: LearnerRun, answered: asyncio.Event | None = None,
                                      locale: str = "en", max_asks: int = 3) -> LearnerRun:
    """/start, English, the first lecture chunk by chunk, its quiz (every answer right) up to the result."""
    words = WORDS[locale]
    handled: set[int] = set()

    def actionable(message: SandboxMessage) -> bool:
        if message.text.startswith(words["result"]):
            return True
        if message.message_id in handled:
            return False
        texts = message.button_texts
        return (any(words["language"] in text for text in texts) or words["next"] in texts
                or words["quiz"] in texts or is_question(message))

    await user.send("/start")
    while True:
        try:
            message = await user.wait_for(actionable, timeout=PATIENCE)
        except TimeoutError:
            if len(progress.asked_again_at) >= max_asks:
                progress.error = f"stuck after {max_asks} times /lesson"
                return progress
            progress.asked_again_at.append(sandbox.state.now())
            await user.send("/lesson")
            continue
        if message.text.startswith(words["result"]):
            progress.finished = True
            return progress
        handled.add(message.message_id)
        texts = message.button_texts
        if any(words["language"] in text for text in texts):
            await user.press(message, next(text for text in texts if words["language"] in text))
        elif is_question(message):
            await user.press(message, key.right_letter(message))
            progress.questions_answered += 1
            numbers = QUESTION_NUMBERS.search(message.text.split(words["question"], 1)[-1])
            if numbers:
                progress.total_questions = int(numbers.group(2))
            if answered is not None:
                answered.set()
        elif words["next"] in texts:
            await user.press(message, words["next"])
        else:
            await user.press(message, words["quiz"])


def _send_key(params: dict[str, Any]) -> str:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return json.dumps([params.get("text") or params.get("caption") or "", markup], sort_keys=True, default=str)


def messages_sent_twice(sandbox: Sandbox, asked_again: dict[int, list[float]]) -> dict[int, list[str]]:
    """Chat → messages the bot sent into it twice.

    Sent twice = two successful send calls (sendMessage, sendPhoto, ...) into one chat with the
    same text (or caption) and the same buttons, with no /lesson of the learner between them.
    (After a /lesson the bot rightly shows the current step again; an update applied twice would
    send the same message twice with nothing of the learner's in between.)"""
    sends: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for call in list(sandbox.state.calls):
        if call.status == 200 and call.method.lower().startswith("send") and "chat_id" in call.params:
            sends[int(call.params["chat_id"])].append((call.time, _send_key(call.params)))
    doubled: dict[int, list[str]] = {}
    for chat, items in sends.items():
        asks = sorted(asked_again.get(chat, []))
        seen: dict[str, float] = {}
        for time, key in items:
            if key in seen and not any(seen[key] <= ask <= time for ask in asks):
                doubled.setdefault(chat, []).append(key[:120])
            seen[key] = time
    return doubled
