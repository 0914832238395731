"""Reading Bot API parameters from query strings, JSON, urlencoded and multipart bodies.

aiogram sends every call as multipart/form-data: strings raw, everything else JSON-encoded
(numbers, booleans, nested objects like reply_markup), files as parts referenced by
``attach://<name>``. So form values are decoded per parameter: known string parameters stay
strings, the rest are JSON-decoded when they parse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.web_request import FileField

from sandbox.errors import ApiError, bad_request

# Parameters whose value is a string even when it looks like JSON ("123", "true").
STRING_PARAMS = {
    "text",
    "caption",
    "parse_mode",
    "caption_parse_mode",
    "callback_query_id",
    "inline_message_id",
    "url",
    "secret_token",
    "ip_address",
    "description",
    "short_description",
    "name",
    "language_code",
    "action",
    "file_id",
    "photo",
    "video",
    "document",
    "animation",
    "audio",
    "voice",
    "thumbnail",
    "cover",
    "business_connection_id",
    "message_effect_id",
    "emoji",
    "title",
}
# Object parameters some clients send as a JSON string even inside a JSON body.
OBJECT_PARAMS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "allowed_updates",
    "reply_parameters",
    "link_preview_options",
}


@dataclass
class Upload:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


async def read_params(request: web.Request, max_bytes: int) -> tuple[dict[str, Any], dict[str, Upload]]:
    """All parameters of a Bot API request, decoded, plus uploaded files by part name."""
    params: dict[str, Any] = {k: _decode(k, v) for k, v in request.query.items()}
    files: dict[str, Upload] = {}
    if request.method != "POST" or not request.can_read_body:
        return params, files
    if request.content_length is not None and request.content_length > max_bytes:
        raise ApiError(413, "Request Entity Too Large")
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise bad_request("can't parse JSON") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        for key, value in body.items():
            params[key] = _normalize(key, value)
    elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, FileField):
                files[key] = Upload(key, value.filename, value.content_type, value.file.read())
            else:
                params[key] = _decode(key, str(value))
    return params, files


def _decode(key: str, raw: str) -> Any:
    if key in STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _normalize(key: str, value: Any) -> Any:
    if key in STRING_PARAMS and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if key in OBJECT_PARAMS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def describe(params: dict[str, Any], files: dict[str, Upload]) -> dict[str, Any]:
    """Parameters for the call log, with uploads summarised instead of their bytes."""
    logged = dict(params)
    for name, upload in files.items():
        logged[f"<upload:{name}>"] = {"filename": upload.filename, "size": len(upload.data)}
    return logged


# --- typed access used by the method handlers -------------------------------------------------
def get_int(
    params: dict[str, Any], key: str, *, required: bool = False, default: int | None = None
) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        if required:
            if key == "message_id":
                raise bad_request("message identifier is not specified")
            raise bad_request(f"{key} is empty")
        return default
    if isinstance(value, bool):
        raise bad_request(f"field \"{key}\" must be a valid Number")
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit():
            raise bad_request(f"field \"{key}\" must be a valid Number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"field \"{key}\" must be a valid Number") from None


def get_str(params: dict[str, Any], key: str, *, default: str | None = None) -> str | None:
    value = params.get(key)
    if value is None:
        return default
    return value if isinstance(value, str) else json.dumps(value)


def get_bool(params: dict[str, Any], key: str) -> bool:
    value = params.get(key)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)
