"""The Bot API side: ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

# Importing the method modules fills the registry.
from sandbox import methods_bot, methods_edit, methods_send  # noqa: F401
from sandbox.errors import ApiError
from sandbox.figures import SEND_METHODS
from sandbox.params import Upload, describe, read_params
from sandbox.registry import Call, lookup
from sandbox.state import SandboxState

STATE_KEY = web.AppKey("sandbox_state", SandboxState)


async def execute(
    state: SandboxState,
    method: str,
    params: dict[str, Any],
    files: dict[str, Upload] | None = None,
    request: web.Request | None = None,
) -> tuple[int, dict[str, Any]]:
    """Run one Bot API call: faults, the method, the envelope and the call log."""
    files = files or {}
    canonical, handler = lookup(method)
    at = state.now()  # one time per call, so the rate limiter and the send figures agree
    try:
        fault = state.take_fault(canonical)
        if fault is not None:
            parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
            raise ApiError(fault.error_code, fault.description, parameters)
        if handler is None:
            raise ApiError(404, "Not Found")
        result = await handler(Call(state, canonical, params, files, request, at))
        status, body, rate_limited = 200, {"ok": True, "result": result}, False
    except ApiError as exc:
        status, body, rate_limited = exc.code, exc.envelope(), exc.rate_limited
    state.log_call(canonical, describe(params, files), status, body.get("description"), rate_limited=rate_limited,
                   at=at)
    if status == 200 and state.settings.send_latency > 0 and canonical.lower() in SEND_METHODS:
        await asyncio.sleep(state.settings.send_latency)  # delivered; the answer is on its way
    return status, body


async def handle_method(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if request.match_info["token"] != state.token:
        return web.json_response(ApiError(401, "Unauthorized").envelope(), status=401)
    try:
        # Uploads are capped a bit above the limit so the 413 comes from the sandbox.
        params, files = await read_params(request, state.settings.max_upload_bytes + 1024 * 1024)
    except ApiError as exc:
        return web.json_response(exc.envelope(), status=exc.code)
    status, body = await execute(state, request.match_info["method"], params, files, request)
    return web.json_response(body, status=status)


async def handle_file(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    if request.match_info["token"] != state.token:
        return web.json_response(ApiError(401, "Unauthorized").envelope(), status=401)
    stored = state.file_by_path(request.match_info["path"])
    if stored is None or stored.data is None:
        return web.json_response(ApiError(404, "Not Found").envelope(), status=404)
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/bot{token}/{method}", handle_method)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
