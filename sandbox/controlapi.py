"""Test controls under ``/sandbox/api``: settings, clock, faults, bot info, call log,
callback answers, redelivery, stored files."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.botapi import STATE_KEY
from sandbox.models import Fault, RandomFault
from sandbox.serialize import callback_to_dict
from sandbox.userapi import UserApiError, body

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


async def settings(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if request.method == "POST":
        state.settings.update(await body(request))
    return web.json_response(state.settings.to_dict())


async def clock(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if request.method == "POST":
        data = await body(request)
        seconds = data.get("advance", 0)
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise UserApiError("advance must be a non-negative number of seconds")
        state.clock.advance(float(seconds))
    return web.json_response({"now": state.now(), "offset": state.clock.offset})


async def faults(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if request.method == "DELETE":
        state.faults.clear()
        state.random_faults.clear()
    elif request.method == "POST":
        data = await body(request)
        method, code, retry_after, description = _fault_fields(data)
        count = data.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise UserApiError("count must be a positive integer")
        state.add_fault(Fault(method.lower(), code, description, count, retry_after))
    return web.json_response([vars(f) for f in state.faults])


def _fault_fields(data: dict[str, Any]) -> tuple[str, int, int | None, str]:
    """method (lower-cased), error_code, retry_after (429: 1 unless given), description."""
    method, code = data.get("method"), data.get("error_code")
    if not isinstance(method, str) or not method:
        raise UserApiError("method is required (a Bot API method name, '*' or 'send*')")
    if not isinstance(code, int) or isinstance(code, bool) or not 400 <= code <= 599:
        raise UserApiError("error_code must be an HTTP error code (400-599)")
    retry_after = data.get("retry_after")
    if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 1):
        raise UserApiError("retry_after must be a positive whole number of seconds")
    if code == 429 and retry_after is None:
        retry_after = 1
    description = data.get("description") or (
        f"Too Many Requests: retry after {retry_after}"
        if code == 429
        else _DEFAULT_DESCRIPTIONS.get(code, "Error")
    )
    return method.lower(), code, retry_after, description


async def random_faults(request: web.Request) -> web.Response:
    """Faults by probability: ``{method ("send*" = every send), error_code, probability,
    retry_after?, description?, seed?}``; a ``seed`` restarts the sandbox's fault draws."""
    state = request.app[STATE_KEY]
    if request.method == "DELETE":
        state.random_faults.clear()
    elif request.method == "POST":
        data = await body(request)
        method, code, retry_after, description = _fault_fields(data)
        probability = data.get("probability")
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 < probability <= 1:
            raise UserApiError("probability must be a number in (0, 1]")
        seed = data.get("seed")
        if seed is not None:
            if not isinstance(seed, int) or isinstance(seed, bool):
                raise UserApiError("seed must be an integer")
            state.fault_random.seed(seed)
        state.random_faults.append(RandomFault(method, code, description, float(probability), retry_after))
    return web.json_response([vars(f) for f in state.random_faults])


async def figures(request: web.Request) -> web.Response:
    """Figures over every send* call (``?window=`` seconds, 1 by default); DELETE starts afresh."""
    state = request.app[STATE_KEY]
    if request.method == "DELETE":
        state.sends.clear()
    try:
        window = float(request.query.get("window", "1"))
    except ValueError:
        raise UserApiError("window must be a number of seconds") from None
    if not window > 0:
        raise UserApiError("window must be a positive number of seconds")
    return web.json_response(state.sends.figures(window))


async def bot_info(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    bot = state.bot
    commands: dict[str, dict[str, Any]] = {}
    for (scope, language), items in bot.commands.items():
        commands.setdefault(scope, {})[language] = items
    return web.json_response(
        {
            "me": bot.get_me(),
            "token": state.token,
            "commands": commands,  # scope → language ("" = default) → commands
            "descriptions": bot.descriptions,
            "short_descriptions": bot.short_descriptions,
            "names": bot.names,
            "webhook": {
                "url": state.webhook.url,
                "secret_token": state.webhook.secret_token,
                "last_error_message": state.webhook.last_error_message,
            },
            "allowed_updates": state.updates.allowed_updates,
            "pending_updates": [u.update_id for u in state.updates.pending],
        }
    )


async def calls(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if request.method == "DELETE":
        state.calls.clear()
        return web.json_response([])
    method = request.query.get("method", "").lower()
    found = [c.to_dict() for c in state.calls if not method or c.method.lower() == method]
    return web.json_response(found)


async def callback_answer(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    record = state.callbacks.get(request.match_info["query_id"])
    if record is None:
        raise UserApiError("no such callback query", 404)
    if not record.answered:
        return web.json_response(None)
    return web.json_response({**(record.answer or {}), "query": callback_to_dict(record)})


async def redeliver(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        update = state.updates.redeliver(int(request.match_info["update_id"]))
    except (KeyError, ValueError):
        raise UserApiError("no such update", 404) from None
    return web.json_response({"update_id": update.update_id, "pending": len(state.updates.pending)})


async def pending_updates(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response([u.to_api() for u in state.updates.pending])


async def serve_file(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    stored = state.files.get(request.match_info["file_id"])
    if stored is None or stored.data is None:
        raise UserApiError("no stored bytes for that file_id", 404)
    headers = {}
    if stored.file_name:
        headers["Content-Disposition"] = f'inline; filename="{stored.file_name.replace(chr(34), "")}"'
    fallback = "image/jpeg" if stored.kind == "photo" else "application/octet-stream"
    content_type = stored.mime_type or fallback
    return web.Response(body=stored.data, content_type=content_type, headers=headers)


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_route("GET", "/sandbox/api/settings", settings)
    r.add_route("POST", "/sandbox/api/settings", settings)
    r.add_route("GET", "/sandbox/api/clock", clock)
    r.add_route("POST", "/sandbox/api/clock", clock)
    for method in ("GET", "POST", "DELETE"):
        r.add_route(method, "/sandbox/api/faults", faults)
    for method in ("GET", "POST", "DELETE"):
        r.add_route(method, "/sandbox/api/faults/random", random_faults)
    r.add_route("GET", "/sandbox/api/figures", figures)
    r.add_route("DELETE", "/sandbox/api/figures", figures)
    r.add_get("/sandbox/api/bot", bot_info)
    r.add_route("GET", "/sandbox/api/calls", calls)
    r.add_route("DELETE", "/sandbox/api/calls", calls)
    r.add_get("/sandbox/api/callback_answers/{query_id}", callback_answer)
    r.add_post("/sandbox/api/updates/{update_id}/redeliver", redeliver)
    r.add_get("/sandbox/api/updates", pending_updates)
    r.add_get("/sandbox/files/{file_id}", serve_file)
