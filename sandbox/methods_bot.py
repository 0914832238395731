"""Bot-level methods: getMe, updates and webhooks, commands, descriptions."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aiohttp import web

from sandbox.errors import bad_request, conflict
from sandbox.limits import check_commands
from sandbox.params import get_bool, get_int, get_str
from sandbox.registry import Call, bot_method

MAX_POLL_TIMEOUT = 50  # seconds; Telegram caps long polling similarly
_SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LANG = re.compile(r"^([a-z]{2})?$")


@bot_method("getMe")
async def get_me(call: Call) -> dict[str, Any]:
    return call.state.bot.get_me()


@bot_method("logOut", "close")
async def log_out(call: Call) -> bool:
    return True


# --- updates -------------------------------------------------------------------------------
def _gone(request: web.Request | None) -> bool:
    """The client of a pending long poll hung up (its bot was stopped)."""
    if request is None:
        return False
    transport = request.transport
    return transport is None or transport.is_closing()


@bot_method("getUpdates")
async def get_updates(call: Call) -> list[dict[str, Any]]:
    state, params = call.state, call.params
    if state.webhook.url:
        raise conflict(
            "can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first"
        )
    queue = state.updates
    holder = queue.poller
    if holder is not None and not _gone(holder if isinstance(holder, web.Request) else None):
        raise conflict(
            "terminated by other getUpdates request; make sure that only one bot instance is running"
        )
    marker: Any = call.request or object()
    queue.poller = marker
    try:
        offset = get_int(params, "offset")
        limit = min(max(get_int(params, "limit", default=100) or 100, 1), 100)
        timeout = min(max(get_int(params, "timeout", default=0) or 0, 0), MAX_POLL_TIMEOUT)
        allowed = params.get("allowed_updates")
        if allowed is not None and not isinstance(allowed, list):
            raise bad_request("can't parse allowed updates")
        queue.remember_allowed(allowed)
        queue.expire(state.now() - state.settings.update_ttl)
        if offset is not None:
            queue.confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not queue.has_deliverable() and not state.closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            # Short slices so a poll whose client went away frees the slot promptly.
            await queue.notifier.wait(min(remaining, 0.5))
            if _gone(call.request):
                return []
        return [update.to_api() for update in queue.take(limit)]
    finally:
        if queue.poller is marker:
            queue.poller = None


@bot_method("setWebhook")
async def set_webhook(call: Call) -> bool:
    state, params = call.state, call.params
    url = (get_str(params, "url") or "").strip()
    if url and not re.match(r"^https?://[^\s/]+", url):
        # Telegram insists on HTTPS; the sandbox also takes http:// for local webhook tests.
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = get_str(params, "secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = params.get("allowed_updates")
    if get_bool(params, "drop_pending_updates"):
        state.updates.drop_all()
    state.webhook.url = url
    state.webhook.secret_token = secret
    state.webhook.max_connections = get_int(params, "max_connections", default=40) or 40
    if isinstance(allowed, list):
        state.webhook.allowed_updates = allowed
        state.updates.remember_allowed(allowed)
    state.webhook.last_error_date = state.webhook.last_error_message = None
    state.updates.notifier.notify()  # wake the webhook deliverer
    return True


@bot_method("deleteWebhook")
async def delete_webhook(call: Call) -> bool:
    state = call.state
    if get_bool(call.params, "drop_pending_updates"):
        state.updates.drop_all()
    state.webhook.url = ""
    state.webhook.secret_token = None
    return True


@bot_method("getWebhookInfo")
async def get_webhook_info(call: Call) -> dict[str, Any]:
    state = call.state
    info: dict[str, Any] = {
        "url": state.webhook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates.pending),
    }
    if state.webhook.url:
        info["max_connections"] = state.webhook.max_connections
        if state.webhook.allowed_updates is not None:
            info["allowed_updates"] = state.webhook.allowed_updates
    if state.webhook.last_error_date is not None:
        info["last_error_date"] = state.webhook.last_error_date
        info["last_error_message"] = state.webhook.last_error_message
    return info


# --- commands and profile ------------------------------------------------------------------
def scope_key(scope: Any) -> str:
    """A stable key for a BotCommandScope object ("default", "chat:42", ...)."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope")
    kind = scope["type"]
    if kind in ("chat", "chat_administrators", "chat_member"):
        if "chat_id" not in scope:
            raise bad_request("chat_id is empty")
        key = f"{kind}:{scope['chat_id']}"
        if kind == "chat_member":
            if "user_id" not in scope:
                raise bad_request("user_id is empty")
            key += f":{scope['user_id']}"
        return key
    return kind


def _language(call: Call) -> str:
    language = (get_str(call.params, "language_code") or "").strip().lower()
    if not _LANG.match(language):
        raise bad_request("invalid language code specified")
    return language


@bot_method("setMyCommands")
async def set_my_commands(call: Call) -> bool:
    commands = check_commands(call.params.get("commands"))
    key = (scope_key(call.params.get("scope")), _language(call))
    if commands:
        call.state.bot.commands[key] = commands
    else:
        call.state.bot.commands.pop(key, None)
    return True


@bot_method("getMyCommands")
async def get_my_commands(call: Call) -> list[dict[str, str]]:
    key = (scope_key(call.params.get("scope")), _language(call))
    return call.state.bot.commands.get(key, [])


@bot_method("deleteMyCommands")
async def delete_my_commands(call: Call) -> bool:
    key = (scope_key(call.params.get("scope")), _language(call))
    call.state.bot.commands.pop(key, None)
    return True


def _set_text(call: Call, store: dict[str, str], field: str, limit: int) -> bool:
    value = get_str(call.params, field) or ""
    if len(value) > limit:
        raise bad_request(f"{field} is too long")
    language = _language(call)
    if value:
        store[language] = value
    else:
        store.pop(language, None)
    return True


@bot_method("setMyDescription")
async def set_my_description(call: Call) -> bool:
    return _set_text(call, call.state.bot.descriptions, "description", 512)


@bot_method("getMyDescription")
async def get_my_description(call: Call) -> dict[str, str]:
    return {"description": call.state.bot.descriptions.get(_language(call), "")}


@bot_method("setMyShortDescription")
async def set_my_short_description(call: Call) -> bool:
    return _set_text(call, call.state.bot.short_descriptions, "short_description", 120)


@bot_method("getMyShortDescription")
async def get_my_short_description(call: Call) -> dict[str, str]:
    return {"short_description": call.state.bot.short_descriptions.get(_language(call), "")}


@bot_method("setMyName")
async def set_my_name(call: Call) -> bool:
    return _set_text(call, call.state.bot.names, "name", 64)


@bot_method("getMyName")
async def get_my_name(call: Call) -> dict[str, str]:
    names = call.state.bot.names
    return {"name": names.get(_language(call)) or names.get("") or call.state.bot.first_name}


@bot_method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> bool:
    return True
