"""Media: uploads (multipart), file_id reuse, unknown file_ids, URLs, getFile and downloads."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile

from sandbox.client import ChatUser, SandboxClient


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


async def test_upload_photo_then_reuse_file_id(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    png = tiny_png()
    sent = await bot.send_photo(
        user.id, BufferedInputFile(png, "slide.png"), caption="<b>Slide</b>", parse_mode="HTML"
    )
    assert sent.photo and sent.photo[-1].width == 3 and sent.photo[-1].height == 2
    assert sent.caption == "Slide" and sent.caption_entities[0].type == "bold"  # type: ignore[index]
    file_id = sent.photo[-1].file_id
    again = await bot.send_photo(user.id, file_id)
    assert again.photo[-1].file_unique_id == sent.photo[-1].file_unique_id  # type: ignore[index]
    # The bot can fetch what it uploaded.
    file = await bot.get_file(file_id)
    assert file.file_size == len(png) and file.file_path
    buffer = io.BytesIO()
    await bot.download_file(file.file_path, buffer)
    assert buffer.getvalue() == png
    # So can a page, through /sandbox/files/<file_id>.
    assert await client.download(file_id) == png
    with pytest.raises(TelegramBadRequest, match="type of file mismatch"):
        await bot.send_document(user.id, file_id)


async def test_upload_document_and_video(bot: Bot, user: ChatUser) -> None:
    pdf = BufferedInputFile(b"%PDF-1.4 certificate", "cert.pdf")
    doc = await bot.send_document(user.id, pdf, caption="Your certificate")
    assert doc.document and doc.document.file_name == "cert.pdf"
    assert doc.document.mime_type == "application/pdf" and doc.document.file_size == 20
    mp4 = BufferedInputFile(b"\x00\x00\x00\x18ftypmp42", "lecture1.mp4")
    video = await bot.send_video(user.id, mp4, width=1280, height=720, duration=95)
    assert video.video and (video.video.width, video.video.height, video.video.duration) == (1280, 720, 95)
    # A document file_id can be sent again as a document.
    resent = await bot.send_document(user.id, doc.document.file_id)
    assert resent.document is not None and resent.document.file_id == doc.document.file_id
    [row] = [m for m in await user.transcript() if m.message_id == video.message_id]
    assert row.media is not None and row.media.kind == "video" and row.media.download_url


async def test_unknown_file_id_placeholder_or_strict(bot: Bot, user: ChatUser, client: SandboxClient) -> None:
    foreign = "BAACAgIAAxkBAAIBaWZ_real_telegram_file_id"
    sent = await bot.send_video(user.id, foreign)
    assert sent.video and sent.video.file_id == foreign
    [row] = [m for m in await user.transcript() if m.message_id == sent.message_id]
    assert row.media is not None and row.media.external and row.media.download_url is None
    with pytest.raises(TelegramBadRequest, match="wrong file_id or the file is temporarily unavailable"):
        await bot.get_file(foreign)
    await client.settings(strict_file_ids=True)
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_video(user.id, "another_unknown_id")
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("another_unknown_id")


async def test_send_by_url_is_recorded(bot: Bot, user: ChatUser) -> None:
    url = "https://cdn.example.org/lectures/week1.mp4"
    sent = await bot.send_video(user.id, url)
    assert sent.video and sent.video.file_id
    rows = await user.transcript()
    assert rows[-1].media is not None and rows[-1].media.url == url
    assert rows[-1].media.file_name == "week1.mp4"


async def test_user_uploads_document_bot_downloads_it(bot: Bot, user: ChatUser) -> None:
    course = b"title: Intro\nweeks: 3\n"
    await user.send_document(course, "course.yaml", caption="new version")
    [update] = await bot.get_updates()
    document = update.message.document  # type: ignore[union-attr]
    assert document is not None and document.file_name == "course.yaml"
    assert update.message.caption == "new version"  # type: ignore[union-attr]
    file = await bot.get_file(document.file_id)
    downloaded = await bot.download(file)
    assert downloaded is not None and downloaded.getvalue() == course


async def test_user_sends_video(bot: Bot, user: ChatUser) -> None:
    await user.send_video(b"fake mp4 bytes", "lab.mp4")
    [update] = await bot.get_updates()
    assert update.message.video is not None  # type: ignore[union-attr]
    # The instructor's video can be re-sent by file_id.
    assert await bot.send_video(user.id, update.message.video.file_id)  # type: ignore[union-attr]
