"""bench/scale.py's traffic: real aiogram `Update` objects (a command, an answer press), a stub
in place of the network call that builds each request as aiogram does and answers a fake OK, and
the floor — aiogram alone making the same Bot API calls with no database."""
from __future__ import annotations

import json
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import CallbackQuery, Chat, Message, MessageEntity, Update, User as TelegramUser

from bench.scale_seed import BOT_ID
from bench.sweep import NOW
from bot.telegram.callbacks import AnswerCb


class FakeTelegram:
    """Replaces the session's network call: aiogram builds the request, we answer a fake OK."""

    def __init__(self, bot: Bot) -> None:
        self.calls = 0
        self.last_texts: list[str] = []
        session = bot.session
        self._session = session

        async def make_request(bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
            session.build_form_data(bot, method)
            self.calls += 1
            returning = getattr(method, "__returning__", None)
            if returning is bool:
                result: Any = True
            elif type(method).__name__ == "GetMe":
                result = {"id": BOT_ID, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
            else:
                chat_id = int(getattr(method, "chat_id", 0) or 0)
                message_text = getattr(method, "text", None) or ""
                self.last_texts.append(message_text)
                result = {"message_id": self.calls, "date": int(NOW.timestamp()),
                          "chat": {"id": chat_id, "type": "private"}, "text": message_text}
                result.update(_sent_media(method, self.calls))
            body = {"ok": True, "result": result}
            return session.check_response(bot=bot, method=method, status_code=200, content=json.dumps(body)).result

        session.make_request = make_request  # type: ignore[method-assign]


def _sent_media(method: TelegramMethod[Any], number: int) -> dict[str, Any]:
    """What Telegram answers a file sent with: its file_id, which the bot remembers and sends
    the next time instead of uploading the file again."""
    file = {"file_id": f"bench-file-{number}", "file_unique_id": f"bench-{number}"}
    kind = type(method).__name__
    if kind == "SendDocument":
        return {"document": file}
    if kind == "SendVideo":
        return {"video": {**file, "width": 1280, "height": 720, "duration": 60}}
    if kind == "SendPhoto":
        return {"photo": [{**file, "width": 1280, "height": 720}]}
    return {}


def learner(uid: int) -> TelegramUser:
    return TelegramUser(id=uid, is_bot=False, first_name="Learner", language_code="en")


def command_update(update_id: int, uid: int, command: str) -> Update:
    chat = Chat(id=uid, type="private", first_name="Learner")
    message = Message(message_id=update_id, date=NOW, chat=chat, from_user=learner(uid), text=command,
                      entities=[MessageEntity(type="bot_command", offset=0, length=len(command))])
    return Update(update_id=update_id, message=message)


def answer_update(update_id: int, uid: int, attempt_id: int, position: int) -> Update:
    chat = Chat(id=uid, type="private", first_name="Learner")
    shown = Message(message_id=1000 + position, date=NOW, chat=chat,
                    from_user=TelegramUser(id=BOT_ID, is_bot=True, first_name="Bench"), text="question")
    query = CallbackQuery(id=str(update_id), from_user=learner(uid), chat_instance="bench", message=shown,
                          data=AnswerCb(a=attempt_id, p=position, o=0).pack())
    return Update(update_id=update_id, callback_query=query)



def same_calls_bot() -> Dispatcher:
    """The floor: aiogram alone making the calls our handlers make (a reply; for a press, the
    answer to the press, an edit and the next message), with no database, i18n or course logic."""
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def reply(message: Message) -> None:
        await message.answer(message.text or "?")

    @dispatcher.callback_query()
    async def pressed(query: CallbackQuery) -> None:
        await query.answer("ok")
        assert isinstance(query.message, Message)
        await query.message.edit_text("answered")
        await query.message.answer("next question")

    return dispatcher
