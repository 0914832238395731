"""The web chat's server side, without a browser: page, assets, admin chat, event stream."""
from __future__ import annotations

import asyncio
import json
import time

import aiohttp

from sandbox import Sandbox
from sandbox.client import SandboxClient
from sandbox.web import StaffMember, WebChatConfig


async def test_a_browser_gets_the_page_and_curl_gets_json(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(sandbox.web_url, headers={"Accept": "text/html,*/*"}) as resp:
            page = await resp.text()
            assert resp.status == 200 and resp.content_type == "text/html"
        assert '<script src="/sandbox/web/chat.js">' in page and "/sandbox/web/chat.css" in page
        assert "http" not in page.split("<body>", 1)[1]  # no CDN, no absolute URL: any host/port works
        async with http.get(sandbox.web_url) as resp:
            assert (await resp.json())["user_api"] == "/sandbox/api"
        for name, kind in (("chat.js", "text/javascript"), ("chat.css", "text/css")):
            async with http.get(f"{sandbox.url}/sandbox/web/{name}") as resp:
                assert resp.status == 200 and resp.content_type == kind
        async with http.get(f"{sandbox.url}/sandbox/web/routes.py") as resp:
            assert resp.status == 404
        async with http.get(f"{sandbox.url}/chat") as resp:
            assert resp.status == 200 and resp.content_type == "text/html"


async def read_event(stream: aiohttp.StreamReader) -> dict[str, str]:
    """The next SSE event (comments and the retry hint skipped)."""
    fields: dict[str, str] = {}
    while True:
        line = (await stream.readline()).decode().rstrip("\n")
        if not line:
            if "data" in fields:
                return fields
            fields = {}
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(": ")
        fields[name] = value


async def test_the_event_stream_announces_every_change(sandbox: Sandbox, client: SandboxClient) -> None:
    user = await client.new_user("Aru", language_code="kk")
    await user.send("/start")
    async with aiohttp.ClientSession() as http:
        url = f"{sandbox.url}/sandbox/api/chats/{user.id}/events?since_version=0"
        async with http.get(url) as resp:
            assert resp.content_type == "text/event-stream"
            first = await asyncio.wait_for(read_event(resp.content), 5)  # newer than 0: at once
            assert first["event"] == "version" and json.loads(first["data"]) == {"chat_id": user.id, "version": 1}
            assert first["id"] == "1"
            await user.send("hello")
            second = await asyncio.wait_for(read_event(resp.content), 5)
            assert json.loads(second["data"])["version"] == 2
        # A reconnecting EventSource sends Last-Event-ID: only what is newer comes.
        async with http.get(f"{sandbox.url}/sandbox/api/chats/{user.id}/events",
                            headers={"Last-Event-ID": "2"}) as resp:
            pending = asyncio.ensure_future(read_event(resp.content))
            await asyncio.sleep(0.2)
            assert not pending.done()
            await user.send("again")
            assert json.loads((await asyncio.wait_for(pending, 5))["data"])["version"] == 3
        async with http.get(f"{sandbox.url}/sandbox/api/chats/999/events") as resp:
            assert resp.status == 404 and "no chat 999" in (await resp.json())["error"]


async def test_stopping_the_sandbox_ends_open_streams_quickly() -> None:
    sandbox = await Sandbox().start()
    async with SandboxClient(sandbox.url) as client, aiohttp.ClientSession() as http:
        user = await client.new_user("Aru")
        async with http.get(f"{sandbox.url}/sandbox/api/chats/{user.id}/events") as resp:
            await resp.content.readline()
            started = time.monotonic()
            await sandbox.stop()
            assert time.monotonic() - started < 2.5


async def test_the_admin_chat_is_made_once_with_the_configured_id() -> None:
    config = WebChatConfig(admin_chat_id=-100_777, staff=[StaffMember(42, "Gulnar", "instructor", "kk")])
    async with Sandbox(web_config=config) as sandbox, SandboxClient(sandbox.url) as client:
        before = await client.request("GET", "/sandbox/web/config")
        assert before["admin_chat"] == {"chat_id": -100_777, "title": "Talimger admin chat", "exists": False}
        first = await client.request("POST", "/sandbox/web/admin-chat")
        again = await client.request("POST", "/sandbox/web/admin-chat")
        assert first["chat_id"] == again["chat_id"] == -100_777 and first["admin_ids"] == [42]
        users = await client.request("GET", "/sandbox/api/users")
        assert [(u["id"], u["first_name"], u.get("language_code")) for u in users] == [(42, "Gulnar", "kk")]
        sent = await client.request("POST", "/sandbox/api/chats/-100777/messages",
                                    json={"from_id": 42, "text": "/stats"})
        assert sent["message"]["chat"] == {"id": -100_777, "type": "supergroup", "title": "Talimger admin chat"}
        assert (await client.request("GET", "/sandbox/web/config"))["admin_chat"]["exists"] is True
