"""What the test client hands back: chat messages as small dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Button(NamedTuple):
    """An inline button: ``(text, callback_data, url)``."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class MediaInfo:
    """The photo / video / document of a message."""

    kind: str
    file_id: str
    url: str | None = None  # sent by URL (not downloadable offline)
    file_name: str | None = None
    mime_type: str | None = None
    file_size: int | None = None
    download_url: str | None = None  # GET it for the bytes (uploaded files only)
    external: bool = False  # a file_id or URL the sandbox could not resolve


@dataclass
class SandboxMessage:
    """One message of a transcript.

    ``text`` is the message text, or the caption of a media message, or "" — so predicates
    like ``lambda m: "Welcome" in m.text`` never trip on None.
    """

    message_id: int
    chat_id: int
    from_bot: bool
    text: str
    html: str
    caption: str | None
    entities: list[dict[str, Any]]
    buttons: list[list[Button]]
    reply_keyboard: list[list[str]] | None  # a ReplyKeyboardMarkup sent with this message
    media: MediaInfo | None
    contact: dict[str, Any] | None
    edited: int
    deleted: bool
    date: float
    version: int
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_transcript(cls, row: dict[str, Any]) -> SandboxMessage:
        markup = row.get("reply_markup") or {}
        buttons = [
            [Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in line]
            for line in markup.get("inline_keyboard", [])
        ]
        reply_keyboard = None
        if "keyboard" in markup:
            reply_keyboard = [
                [b if isinstance(b, str) else b.get("text", "") for b in line]
                for line in markup["keyboard"]
            ]
        media = MediaInfo(**row["media"]) if row.get("media") else None
        text = row.get("text") if row.get("text") is not None else row.get("caption")
        html = row.get("html") if row.get("text") is not None else row.get("caption_html")
        return cls(
            message_id=row["message_id"],
            chat_id=row["chat_id"],
            from_bot=row["from"] == "bot",
            text=text or "",
            html=html or "",
            caption=row.get("caption"),
            entities=row.get("entities") or [],
            buttons=buttons,
            reply_keyboard=reply_keyboard,
            media=media,
            contact=row.get("contact"),
            edited=row.get("edited", 0),
            deleted=row.get("deleted", False),
            date=row.get("date", 0.0),
            version=row.get("version", 0),
            callback_answers=row.get("callback_answers") or [],
            raw=row,
        )

    @property
    def all_buttons(self) -> list[Button]:
        return [button for row in self.buttons for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for button in self.all_buttons]

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.raw.get("reply_markup") or {}).get("remove_keyboard"))

    def button(self, text: str) -> Button:
        """The inline button with exactly this text (KeyError lists what there is)."""
        for button in self.all_buttons:
            if button.text == text:
                return button
        raise KeyError(f"no button {text!r}; buttons: {self.button_texts}")

    def summary(self, width: int = 120) -> str:
        """One line for error messages: id, flags, text and buttons."""
        marks = (("✎", self.edited), ("✗", self.deleted), ("📎", self.media))
        flags = "".join(flag for flag, on in marks if on)
        text = self.text.replace("\n", " ⏎ ")
        if len(text) > width:
            text = text[: width - 1] + "…"
        buttons = f" {self.button_texts}" if self.buttons else ""
        who = "bot" if self.from_bot else "user"
        return f"#{self.message_id} {who}{flags}: {text!r}{buttons}"
