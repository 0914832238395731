"""`talimger run` as a person starts it (no BOT_TOKEN: the sandbox), in a subprocess, and the
SandboxClient of the sandbox it prints."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from sandbox.client import SandboxClient


@asynccontextmanager
async def talimger_run(folder: Path, database_url: str, args: tuple[str, ...] = (),
                       **env: str) -> AsyncIterator[SandboxClient]:
    """Run in `folder` with the data in `folder`/data and the database at `database_url` (the test's
    `bot_database_url`: either backend); stopped as Ctrl-C stops it, which must exit 0."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"BOT_TOKEN", "DATABASE_URL", "ADMIN_CHAT_ID", "OWNER_IDS", "WEBHOOK_URL",
                                  "WEBHOOK_SECRET"}}
    environment.update({"DATA_DIR": str(folder / "data"), "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING",
                        "WEB_PORT": "0", **env})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", "0", *args, cwd=folder, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        match = re.fullmatch(r"Open (http://127\.0\.0\.1:\d+)/ in your browser\n", line)
        if not match:  # it did not start: what it said on stderr is the diagnosis
            assert process.stderr is not None
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), timeout=10)
            said = (await process.stderr.read()).decode(errors="replace") if process.returncode is not None else ""
            raise AssertionError(f"talimger run did not start (exit {process.returncode}): {line!r}\n{said[-3000:]}")
        async with SandboxClient(match.group(1)) as client:
            yield client
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), timeout=30)
    assert process.returncode == 0
