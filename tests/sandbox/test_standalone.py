"""``python -m sandbox`` serves on its own; raw multipart uploads; settings and clock routes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import aiohttp

from sandbox import Sandbox
from sandbox.client import ChatUser, SandboxClient
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


async def test_python_m_sandbox_serves_get_me() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port), "--token", "42:abc"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/bot42:abc/getMe") as resp:
                        body = await resp.json()
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("the standalone sandbox did not come up")
        assert body["result"]["id"] == 42 and body["result"]["username"] == "talimger_sandbox_bot"
    finally:
        process.terminate()
        process.wait(timeout=5)


async def test_multipart_upload_under_the_parameter_name(sandbox: Sandbox, user: ChatUser) -> None:
    """curl-style ``-F document=@file`` (no attach://) works too."""
    form = aiohttp.FormData()
    form.add_field("chat_id", str(user.id))
    form.add_field("caption", "syllabus")
    form.add_field("document", b"week 1: intro", filename="syllabus.txt")
    async with aiohttp.ClientSession() as http:
        url = f"{sandbox.url}/bot{sandbox.token}/sendDocument"
        async with http.post(url, data=form) as resp:
            body = await resp.json()
    assert body["ok"] and body["result"]["document"]["file_name"] == "syllabus.txt"
    assert body["result"]["document"]["mime_type"] == "text/plain"
    assert body["result"]["caption"] == "syllabus"


async def test_settings_and_clock_routes(client: SandboxClient) -> None:
    settings = await client.settings()
    assert settings["rate_limits_enabled"] is False and settings["callback_query_ttl"] == 900
    assert settings["global_rate_limit"] == 30 and settings["chat_rate_limit"] == 1
    changed = await client.settings(strict_file_ids=True, global_rate_limit=10)
    assert changed["strict_file_ids"] is True and changed["global_rate_limit"] == 10
    before = (await client.request("GET", "/sandbox/api/clock"))["now"]
    assert await client.advance_clock(3600) == before + 3600
