"""Telegram's 400/403 limits, each through a real aiogram Bot."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox.client import ChatUser, SandboxClient


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=f"b{i}", callback_data=d)] for i, d in enumerate(data)]
    )


async def test_html_message_returns_entities(bot: Bot, user: ChatUser) -> None:
    html = "<b>Сабақ 1</b>: <i>кіріспе</i> 🎓 <a href='https://kaznu.kz'>link</a>"
    msg = await bot.send_message(user.id, html, parse_mode="HTML")
    assert msg.text == "Сабақ 1: кіріспе 🎓 link"
    assert [(e.type, e.offset, e.length) for e in msg.entities or []] == [
        ("bold", 0, 7), ("italic", 9, 7), ("text_link", 20, 4),
    ]
    assert msg.entities[2].url == "https://kaznu.kz"  # type: ignore[index]
    [row] = [m for m in await user.transcript() if m.message_id == msg.message_id]
    assert row.html == '<b>Сабақ 1</b>: <i>кіріспе</i> 🎓 <a href="https://kaznu.kz">link</a>'


async def test_bad_html_is_400(bot: Bot, user: ChatUser) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities: Unsupported start tag \"br\""):
        await bot.send_message(user.id, "a<br>b", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(user.id, "score < 3", parse_mode="HTML")
    # Without parse_mode the same text is fine.
    assert (await bot.send_message(user.id, "score < 3")).text == "score < 3"


async def test_text_length_limits(bot: Bot, user: ChatUser) -> None:
    assert len((await bot.send_message(user.id, "я" * 4096)).text or "") == 4096
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user.id, "я" * 4097)
    # Counted after entity parsing: markup does not count.
    assert await bot.send_message(user.id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, "  \n ")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, "<b></b>", parse_mode="HTML")


async def test_caption_limit(bot: Bot, user: ChatUser) -> None:
    url = "https://example.org/slide.png"
    assert await bot.send_photo(user.id, url, caption="c" * 1024)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(user.id, url, caption="c" * 1025)


async def test_callback_data_is_measured_in_utf8_bytes(bot: Bot, user: ChatUser) -> None:
    assert await bot.send_message(user.id, "ok", reply_markup=keyboard("ж" * 32))  # 64 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user.id, "too long", reply_markup=keyboard("ж" * 33))  # 66 bytes
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(user.id, "empty", reply_markup=keyboard(""))


async def test_at_most_100_inline_buttons(bot: Bot, user: ChatUser) -> None:
    assert await bot.send_message(user.id, "100", reply_markup=keyboard(*map(str, range(100))))
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(user.id, "101", reply_markup=keyboard(*map(str, range(101))))


async def test_edit_not_modified_and_keyboard_removal(bot: Bot, user: ChatUser) -> None:
    msg = await bot.send_message(user.id, "<b>Q1</b>", parse_mode="HTML", reply_markup=keyboard("a"))
    where = {"chat_id": user.id, "message_id": msg.message_id}
    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new message content"):
        await bot.edit_message_text(text="<b>Q1</b>", parse_mode="HTML", reply_markup=keyboard("a"), **where)
    # Same text without reply_markup removes the keyboard: that is a change.
    edited = await bot.edit_message_text(text="<b>Q1</b>", parse_mode="HTML", **where)
    assert edited.reply_markup is None and edited.edit_date is not None  # type: ignore[union-attr]
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=user.id, message_id=msg.message_id)
    restored = await bot.edit_message_reply_markup(reply_markup=keyboard("b"), **where)
    assert restored.reply_markup.inline_keyboard[0][0].callback_data == "b"  # type: ignore[union-attr]
    [row] = [m for m in await user.transcript() if m.message_id == msg.message_id]
    # Only the editMessageText call counts as an edit a person sees; a buttons-only edit does not.
    assert row.edited == 1 and row.buttons[0][0].callback_data == "b"


async def test_edit_caption_and_wrong_kind(bot: Bot, user: ChatUser) -> None:
    photo = await bot.send_photo(user.id, "https://example.org/a.jpg", caption="old")
    edited = await bot.edit_message_caption(chat_id=user.id, message_id=photo.message_id, caption="new")
    assert edited.caption == "new"  # type: ignore[union-attr]
    with pytest.raises(TelegramBadRequest, match="not modified"):
        await bot.edit_message_caption(chat_id=user.id, message_id=photo.message_id, caption="new")
    with pytest.raises(TelegramBadRequest, match="there is no text in the message to edit"):
        await bot.edit_message_text(chat_id=user.id, message_id=photo.message_id, text="x")


async def test_edit_and_delete_unknown_messages(bot: Bot, user: ChatUser) -> None:
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(chat_id=user.id, message_id=999, text="x")
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, 999)
    sent = await user.send("mine")
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text(chat_id=user.id, message_id=sent["message"]["message_id"], text="x")


async def test_delete_window_is_48_hours(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    fresh = await bot.send_message(user.id, "fresh")
    old = await bot.send_message(user.id, "old")
    assert await bot.delete_message(user.id, fresh.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, fresh.message_id)
    await client.advance_clock(48 * 3600 + 1)
    with pytest.raises(TelegramBadRequest, match="message can't be deleted"):
        await bot.delete_message(user.id, old.message_id)
    rows = {m.message_id: m for m in await user.transcript()}
    assert rows[fresh.message_id].deleted and not rows[old.message_id].deleted


async def test_chat_not_found(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hello?")


async def test_blocked_user_gets_403(bot: Bot, user: ChatUser) -> None:
    await user.block()
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(user.id, "come back")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_photo(user.id, "https://example.org/p.png")
    await user.unblock()
    assert await bot.send_message(user.id, "welcome back")


async def test_callback_answers_and_staleness(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    msg = await bot.send_message(user.id, "Q1", reply_markup=keyboard("q1:a", "q1:b"))
    query_id = await user.press(msg.message_id, "b1")
    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.id == query_id and query.data == "q1:b"
    assert query.message is not None and query.message.message_id == msg.message_id
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query_id, text="x" * 201)
    assert await bot.answer_callback_query(query_id, text="✅ Correct", show_alert=True)
    assert (await client.callback_answer(query_id))["text"] == "✅ Correct"  # type: ignore[index]
    too_old = "query is too old and response timeout expired or query ID is invalid"
    with pytest.raises(TelegramBadRequest, match=too_old):
        await bot.answer_callback_query(query_id)  # already answered

    late = await user.press(msg.message_id, callback_data="q1:a")
    await client.advance_clock(901)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(late)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("no-such-query")


async def test_callback_ttl_is_a_setting(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    await client.settings(callback_query_ttl=15)
    msg = await bot.send_message(user.id, "Q", reply_markup=keyboard("x"))
    query_id = await user.press(msg.message_id, callback_data="x")
    await client.advance_clock(16)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
