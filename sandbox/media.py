"""Media parameters of sendPhoto / sendVideo / sendDocument: upload, file_id or URL."""

from __future__ import annotations

import mimetypes
import struct
from typing import Any
from urllib.parse import unquote, urlparse

from sandbox.errors import WRONG_FILE_ID, ApiError, bad_request
from sandbox.models import StoredFile
from sandbox.params import Upload
from sandbox.state import SandboxState

MAX_PHOTO_UPLOAD = 10 * 1024 * 1024


def resolve_media(
    state: SandboxState, kind: str, params: dict[str, Any], files: dict[str, Upload]
) -> StoredFile:
    """The file a send* call refers to, registering uploads, URLs and placeholders."""
    value = params.get(kind)
    if isinstance(value, str) and value.startswith("attach://"):
        upload = files.get(value[len("attach://") :])
        if upload is None:
            raise bad_request(WRONG_FILE_ID)
        return store_upload(state, kind, upload)
    if value is None and kind in files:  # the file sent directly under the parameter name
        return store_upload(state, kind, files[kind])
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"there is no {kind} in the request")
    value = value.strip()
    if value.startswith(("http://", "https://")):
        # Offline: the URL cannot be fetched, so it is recorded with a made-up file_id.
        name = unquote(urlparse(value).path.rsplit("/", 1)[-1]) or None
        return state.add_file(
            kind, url=value, external=True, file_name=name if kind != "photo" else None,
            mime_type=mimetypes.guess_type(name or "")[0] if kind != "photo" else None,
        )
    known = state.files.get(value)
    if known is not None:
        if (known.kind == "photo") != (kind == "photo"):
            # Telegram refuses a photo file_id as a document/video and the other way round.
            raise bad_request("type of file mismatch")
        return known
    if state.settings.strict_file_ids:
        raise bad_request(WRONG_FILE_ID)
    # An "external file_id" (e.g. from real Telegram in a course file): accepted as a placeholder.
    return state.add_file(kind, file_id=value, external=True)


def store_upload(state: SandboxState, kind: str, upload: Upload) -> StoredFile:
    """Keep uploaded bytes in memory under a fresh file_id."""
    if not upload.data:
        raise bad_request("file must be non-empty")
    if len(upload.data) > state.settings.max_upload_bytes:
        raise ApiError(413, "Request Entity Too Large")
    if kind == "photo" and len(upload.data) > MAX_PHOTO_UPLOAD:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    name = upload.filename if upload.filename and upload.filename != upload.field else None
    mime = upload.content_type
    if not mime or mime == "application/octet-stream":
        mime = mimetypes.guess_type(name or "")[0] or mime
    width, height = image_size(upload.data) if kind == "photo" else (None, None)
    return state.add_file(
        kind,
        data=upload.data,
        file_name=name if kind != "photo" else None,
        mime_type=mime if kind != "photo" else None,
        width=width,
        height=height,
    )


def image_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height of a PNG, GIF or JPEG, read from its header (None if unknown)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None, None
