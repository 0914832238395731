"""What a draft changes against the published version: lectures, chunks and questions, by key."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.db.models import Chunk, Lecture, Question

Localized = dict[str, str]


@dataclass(frozen=True)
class Change:
    # lecture_added, lecture_removed, lecture_renamed, chunk_added, chunk_removed, chunk_changed,
    # question_added, question_removed, question_changed
    kind: str
    lecture_key: str
    item_key: str = ""
    title: Localized = field(default_factory=dict)
    answer_changed: bool = False  # a question whose correct answer is now another one: flagged


@dataclass(frozen=True)
class LectureContent:
    lecture: Lecture
    chunks: Sequence[Chunk]
    questions: Sequence[Question]


def _chunk_state(chunk: Chunk) -> tuple[Any, ...]:
    return (chunk.kind, chunk.title, chunk.body, chunk.position)


def _question_state(question: Question) -> tuple[Any, ...]:
    return (question.text, question.options, question.correct_index, question.explanation, question.chunk_position)


def _correct(question: Question) -> Any:
    return question.options[question.correct_index].get("text") if question.options else None


def diff_lectures(old: Sequence[LectureContent], new: Sequence[LectureContent]) -> list[Change]:
    """Every change from `old` to `new`, in the new version's lecture order, removals last."""
    changes: list[Change] = []
    before = {content.lecture.key: content for content in old}
    after_keys = {content.lecture.key for content in new}
    for content in new:
        lecture = content.lecture
        previous = before.get(lecture.key)
        if previous is None:
            changes.append(Change("lecture_added", lecture.key, title=lecture.title))
            continue
        if previous.lecture.title != lecture.title:
            changes.append(Change("lecture_renamed", lecture.key, title=lecture.title))
        changes += _items(lecture.key, "chunk", {c.key: c for c in previous.chunks}, {c.key: c for c in content.chunks},
                          _chunk_state)
        old_questions = {q.key: q for q in previous.questions}
        for question in content.questions:
            was = old_questions.get(question.key)
            if was is None:
                changes.append(Change("question_added", lecture.key, question.key, question.text))
            elif _question_state(was) != _question_state(question):
                changes.append(Change("question_changed", lecture.key, question.key, question.text,
                                      answer_changed=_correct(was) != _correct(question)))
        new_questions = {q.key for q in content.questions}
        changes += [Change("question_removed", lecture.key, key, was.text)
                    for key, was in old_questions.items() if key not in new_questions]
    changes += [Change("lecture_removed", key, title=content.lecture.title)
                for key, content in before.items() if key not in after_keys]
    return changes


def _items(lecture_key: str, what: str, old: dict[str, Any], new: dict[str, Any], state: Any) -> list[Change]:
    changes = []
    for key, item in new.items():
        if key not in old:
            changes.append(Change(f"{what}_added", lecture_key, key, item.title))
        elif state(old[key]) != state(item):
            changes.append(Change(f"{what}_changed", lecture_key, key, item.title))
    changes += [Change(f"{what}_removed", lecture_key, key, item.title) for key, item in old.items() if key not in new]
    return changes


def changed_lectures(changes: Sequence[Change]) -> list[str]:
    """Keys of lectures kept in the new version whose content changed (their learners get a note)."""
    keys = [change.lecture_key for change in changes if change.kind not in ("lecture_added", "lecture_removed")]
    return list(dict.fromkeys(keys))
