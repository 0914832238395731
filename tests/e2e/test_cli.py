"""The `talimger` command as a person runs it, in a subprocess."""
from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp

from sandbox.client import SandboxClient

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"BOT_TOKEN", "DATABASE_URL"}}
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


async def test_a_bad_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    code, out, err = await _talimger(tmp_path, "run", DEFAULT_LOCALE="fr")
    assert code == 2
    assert err.strip() == "Bad setting DEFAULT_LOCALE: DEFAULT_LOCALE must be one of kk, ru, en"


async def test_every_command_has_help(tmp_path: Path) -> None:
    for args in (["--help"], ["run", "--help"], ["course", "validate", "--help"], ["course", "load", "--help"]):
        code, out, _ = await _talimger(tmp_path, *args)
        assert code == 0 and out.startswith("usage: talimger")
