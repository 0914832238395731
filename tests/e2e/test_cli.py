"""The `talimger` command as a person runs it, in a subprocess."""
from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from sandbox import Sandbox
from sandbox.client import SandboxClient

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "555:SUPERSECRETTOKEN"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"BOT_TOKEN", "DATABASE_URL", "WEBHOOK_URL", "WEBHOOK_SECRET"}}
    # WEB_PORT=0: the certificate pages on a free port, so a busy 8080 cannot fail the test.
    return {**env, "DATA_DIR": str(tmp_path / "data"), "LOG_LEVEL": "WARNING", "WEB_PORT": "0", **extra}


async def test_run_without_a_token_serves_the_sample_course_in_the_sandbox(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", "0", cwd=tmp_path, env=_env(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        match = re.fullmatch(r"Open (http://127\.0\.0\.1:(\d+)/) in your browser\n", line)
        assert match, line
        url = match.group(1)
        async with aiohttp.ClientSession() as http, http.get(url, headers={"Accept": "text/html"}) as page:
            assert page.status == 200 and "<html" in (await page.text()).lower()
        async with SandboxClient(url.rstrip("/")) as client:
            user = await client.new_user("Try", language_code="ru")
            await user.send("/start")
            picker = await user.wait_for(lambda m: "Выберите язык" in m.text, timeout=30)
            await user.press(picker, next(text for text in picker.button_texts if "Русский" in text))
            chunk = await user.wait_for(lambda m: "Далее ▶" in m.button_texts, timeout=30)
            assert "Лекция 1." in chunk.text
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    assert process.returncode == 0
    assert (tmp_path / "data" / "talimger.db").exists()


async def _talimger(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode or 0, out.decode(), err.decode()


async def test_course_validate_prints_every_error_with_file_and_line(tmp_path: Path) -> None:
    broken = (ROOT / "tests" / "data" / "mini-course.yaml").read_text(encoding="utf-8")
    broken = broken.replace("workload_hours: 2", "workload_hours: -2").replace("correct: true", "correct: maybe", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    code, out, err = await _talimger(tmp_path, "course", "validate", str(path))
    assert code == 1 and out == ""
    lines = [line for line in err.splitlines() if line.startswith(str(path))]
    assert len(lines) >= 2
    assert all(re.match(rf"{re.escape(str(path))}:\d+: .+", line) for line in lines)
    assert "nothing was loaded" in err


async def test_course_load_publishes_once_and_reports_an_unchanged_course(tmp_path: Path) -> None:
    course = str(ROOT / "tests" / "data" / "mini-course.yaml")
    assert (await _talimger(tmp_path, "course", "load", course))[1] == "Published mini, version 1.\n"
    assert (await _talimger(tmp_path, "course", "load", course))[1] == "mini is unchanged; version 1 stays current.\n"


async def test_course_load_into_an_empty_database_publishes_that_course_alone(tmp_path: Path) -> None:
    """issue 12 (found following the deploy recipe): `course load` on a fresh database also published
    the sample course (python-basics) before the one named, and learners were offered both."""
    assert (await _talimger(tmp_path, "db", "upgrade"))[0] == 0
    code, out, err = await _talimger(tmp_path, "course", "load", str(ROOT / "tests" / "data" / "mini-course.yaml"))
    assert (code, out) == (0, "Published mini, version 1.\n"), err
    with contextlib.closing(sqlite3.connect(tmp_path / "data" / "talimger.db")) as database:
        assert database.execute("SELECT slug FROM courses").fetchall() == [("mini",)]


async def test_a_bad_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    code, out, err = await _talimger(tmp_path, "run", DEFAULT_LOCALE="fr")
    assert code == 2
    assert err.strip() == "Bad setting DEFAULT_LOCALE: DEFAULT_LOCALE must be one of kk, ru, en"


async def test_db_upgrade_migrates_and_says_to_which_revision(tmp_path: Path) -> None:
    """issue 12 item 2: `talimger db upgrade` is a step of its own: it makes the schema and exits."""
    code, out, err = await _talimger(tmp_path, "db", "upgrade")
    assert code == 0, err
    assert re.fullmatch(r"The database is at revision \S+\.\n", out)
    assert (tmp_path / "data" / "talimger.db").exists()
    assert (await _talimger(tmp_path, "db", "upgrade"))[1] == out  # again: nothing to do, same answer


async def test_run_webhook_without_webhook_url_names_it(tmp_path: Path) -> None:
    """issue 12 item 1: `run --webhook` with no address to take updates at stops with one line."""
    code, out, err = await _talimger(tmp_path, "run", "--webhook", BOT_TOKEN=TOKEN)
    assert code == 2 and err.startswith("Bad setting WEBHOOK_URL: webhook mode needs") and len(err.splitlines()) == 1
    assert not (tmp_path / "data" / "talimger.db").exists()


async def test_every_command_has_help(tmp_path: Path) -> None:
    for args in (["--help"], ["run", "--help"], ["course", "validate", "--help"], ["course", "load", "--help"],
                 ["db", "upgrade", "--help"], ["webhook", "set", "--help"]):
        code, out, _ = await _talimger(tmp_path, *args)
        assert code == 0 and out.startswith("usage: talimger")


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program already listens on."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    yield holder.getsockname()[1]
    holder.close()


def _read_only_database(tmp_path: Path) -> str:
    """A real database opened read-only (chmod would not stop root, which the tests may run as)."""
    return f"sqlite+aiosqlite:///file:{tmp_path / 'data' / 'talimger.db'}?mode=ro&uri=true"


def _shadow_asyncpg(tmp_path: Path) -> str:
    """A folder that makes `import asyncpg` fail, as on a machine without the postgres extra."""
    package = tmp_path / "shadow" / "asyncpg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise ImportError('No module named asyncpg')\n", encoding="utf-8")
    return str(tmp_path / "shadow")


BAD_SETTINGS = {
    "api url: port out of range": ({"TELEGRAM_API_URL": "http://127.0.0.1:99999"}, "TELEGRAM_API_URL", ""),
    "api url: unclosed IPv6": ({"TELEGRAM_API_URL": "http://[::1"}, "TELEGRAM_API_URL", ""),
    "api url: no host": ({"TELEGRAM_API_URL": "http://"}, "TELEGRAM_API_URL", ""),
    "api url: nobody listens": ({"TELEGRAM_API_URL": "http://127.0.0.1:1"}, "TELEGRAM_API_URL", "cannot reach"),
    "log level": ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL", "DEBUG, INFO, WARNING, ERROR"),
    "database driver unsupported": ({"DATABASE_URL": "mysql+aiomysql://user@db.example/talimger"}, "DATABASE_URL",
                                    "sqlite+aiosqlite, postgresql+asyncpg"),
    "database driver missing": ({"DATABASE_URL": "postgresql://user@db.example/talimger", "PYTHONPATH": "SHADOW"},
                                "DATABASE_URL", "talimger[postgres]"),
    "web host": ({"WEB_HOST": "999.1.1.1"}, "WEB_HOST", "999.1.1.1"),
    "web port in use": ({"WEB_PORT": "BUSY"}, "WEB_PORT", "in use"),
    "read-only database": ({"DATABASE_URL": "READ_ONLY"}, "DATABASE_URL", "read-only"),
    # Review of issue 9 item 9: these stopped with a traceback.
    "sandbox admin chat id not a group": ({"BOT_TOKEN": "", "ADMIN_CHAT_ID": "5"}, "ADMIN_CHAT_ID", "negative"),
    "sandbox state file truncated": ({"BOT_TOKEN": "", "SANDBOX_JSON": '{"format": 1, "counters": {"next_nu'},
                                     "DATA_DIR", "sandbox.json"),
    "sandbox state file garbage": ({"BOT_TOKEN": "", "SANDBOX_JSON": '{"format": 1, "counters": []}'},
                                   "DATA_DIR", "sandbox.json"),
    "token with a space": ({"BOT_TOKEN": "555:SUPER SECRET"}, "BOT_TOKEN", "BotFather"),
    # issue 12 item 1: webhook mode takes no update without a secret, and says so.
    "webhook without a secret": ({"WEBHOOK_URL": "https://bot.example.edu/telegram"}, "WEBHOOK_SECRET",
                                 "refuses to start without a secret"),
    "webhook secret of a bad shape": ({"WEBHOOK_URL": "https://bot.example.edu/telegram",
                                       "WEBHOOK_SECRET": "not allowed!"}, "WEBHOOK_SECRET", "A-Z, a-z, 0-9"),
    "webhook url without a path": ({"WEBHOOK_URL": "https://bot.example.edu/", "WEBHOOK_SECRET": "s3cret"},
                                   "WEBHOOK_URL", "a path of its own"),
}


@pytest.mark.parametrize("case", list(BAD_SETTINGS))
async def test_each_bad_setting_stops_start_up_with_one_line_and_never_shows_the_token(
        case: str, tmp_path: Path, busy_port: int) -> None:
    """issue 9 items 8 and 9: one line naming the variable, no traceback, the token nowhere."""
    env, variable, words = BAD_SETTINGS[case]
    if env.get("DATABASE_URL") == "READ_ONLY":
        assert (await _talimger(tmp_path, "course", "load", str(ROOT / "tests" / "data" / "mini-course.yaml")))[0] == 0
        env = {**env, "DATABASE_URL": _read_only_database(tmp_path)}
    replacements = {"SHADOW": _shadow_asyncpg(tmp_path) if "PYTHONPATH" in env else "", "BUSY": str(busy_port)}
    env = {name: replacements.get(value, value) for name, value in env.items()}
    if "SANDBOX_JSON" in env:  # DATA_DIR/sandbox.json as a crash or a hand edit left it
        (tmp_path / "data").mkdir(exist_ok=True)
        (tmp_path / "data" / "sandbox.json").write_text(env.pop("SANDBOX_JSON"), encoding="utf-8")
    fresh = not (tmp_path / "data").exists()
    code, out, err = await _talimger(tmp_path, "run", "--port", "0", **{"BOT_TOKEN": TOKEN, **env})
    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"Bad setting {variable}: ") and words in err, err
    assert "Traceback" not in out + err
    assert TOKEN not in out + err and "SUPERSECRETTOKEN" not in out + err and "555%3A" not in out + err
    assert "SUPER SECRET" not in out + err
    if variable in ("WEB_HOST", "WEB_PORT", "WEBHOOK_SECRET", "WEBHOOK_URL") and fresh:
        assert not (tmp_path / "data" / "talimger.db").exists()  # checked before any migration


async def test_a_busy_sandbox_port_names_the_flag_that_changes_it(tmp_path: Path, busy_port: int) -> None:
    """issue 9 item 9: `talimger run` with no token and its sandbox port taken."""
    code, out, err = await _talimger(tmp_path, "run", "--port", str(busy_port))
    assert code == 2 and out == ""
    assert err.startswith("Bad setting --port: ") and "in use" in err and len(err.splitlines()) == 1, err


async def test_the_browser_line_is_the_last_thing_run_prints(tmp_path: Path) -> None:
    """issue 9 item 12: at the default log level nothing routine follows the "Open …" line, and
    no library chatter (Alembic plugins, APScheduler, aiogram polling) precedes it either.
    An empty ADMIN_CHAT_ID (as a copied .env template has it) means unset (item 9)."""
    (tmp_path / ".env").write_text("ADMIN_CHAT_ID=\nOWNER_IDS=\n", encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", "0", cwd=tmp_path,
        env=_env(tmp_path, LOG_LEVEL="INFO"),  # the default level, as `make run` has it
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    assert process.stdout is not None
    before: list[str] = []
    after: list[str] = []
    try:
        while not before or not before[-1].startswith("Open "):
            line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
            assert line, "".join(before)
            before.append(line)
        deadline = time.monotonic() + 3
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = (await asyncio.wait_for(process.stdout.readline(), timeout=left)).decode()
            except asyncio.TimeoutError:
                break
            if line:
                after.append(line)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
    assert re.fullmatch(r"Open http://127\.0\.0\.1:\d+/ in your browser\n", before[-1]), before[-1]
    assert after == []
    noisy = [line for line in before if re.search(r" (alembic|apscheduler|fontTools|aiogram)[.:]", line)]
    assert noisy == [], "".join(noisy)
    assert process.returncode == 0


async def test_a_real_token_without_public_base_url_warns_once_naming_it(tmp_path: Path, sandbox: Sandbox) -> None:
    """issue 9 item 9 (review item 8): with a token (here the sandbox stands in for Telegram) and no
    PUBLIC_BASE_URL, certificate links would point at this machine: one WARNING says so at start."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path,
        env=_env(tmp_path, BOT_TOKEN=sandbox.token, TELEGRAM_API_URL=sandbox.url),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert process.stderr is not None
    try:
        line = (await asyncio.wait_for(process.stderr.readline(), timeout=60)).decode()
    finally:
        process.send_signal(signal.SIGINT)
        _, rest = await asyncio.wait_for(process.communicate(), timeout=30)
    assert "WARNING" in line and "PUBLIC_BASE_URL is not set" in line and "127.0.0.1" in line, line
    assert "PUBLIC_BASE_URL" not in rest.decode()
    assert process.returncode == 0


async def test_webhook_set_points_telegram_at_the_url_with_the_secret_each_time(tmp_path: Path,
                                                                                sandbox: Sandbox) -> None:
    """issue 12 item 1: the deploy step `talimger webhook set` calls setWebhook with WEBHOOK_URL and
    WEBHOOK_SECRET, and again with a new secret (which a starting replica cannot see)."""
    url = "https://bot.example.edu/telegram"
    env = {"BOT_TOKEN": sandbox.token, "TELEGRAM_API_URL": sandbox.url, "WEBHOOK_URL": url}
    for secret in ("first-Secret", "rotated_secret-2"):
        code, out, err = await _talimger(tmp_path, "webhook", "set", WEBHOOK_SECRET=secret, **env)
        assert code == 0, err
        assert out == f"Telegram posts updates to {url}.\n"
        async with SandboxClient(sandbox.url) as client:
            webhook = (await client.bot_info())["webhook"]
        assert webhook["url"] == url and webhook["secret_token"] == secret
    code, _, err = await _talimger(tmp_path, "webhook", "set", WEBHOOK_URL=url, WEBHOOK_SECRET="s")
    assert code == 2 and err.startswith("Bad setting BOT_TOKEN: `webhook set`")
