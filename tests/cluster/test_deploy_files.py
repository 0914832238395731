"""The deploy recipe's files (deploy/) say what the project can do (issue 12, Deploying): each
systemd unit runs a real `talimger` command, the environment example names real settings, and
the nginx template renders into a config nginx accepts. (`systemd-analyze verify` needs systemd,
which test machines may lack; these checks need only Python, and nginx when it is installed.)"""
from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from tests.cluster.harness import REPO, nginx_main_config, render_nginx

UNITS = REPO / "deploy" / "systemd"
INSTALLED_TALIMGER = "/opt/talimger/.venv/bin/talimger"


def _unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize(("unit", "command"), [
    ("talimger@.service", ["run", "--webhook"]),
    ("talimger-migrate.service", ["db", "upgrade"]),
    ("talimger-webhook.service", ["webhook", "set"]),
])
def test_each_unit_runs_a_talimger_command_that_exists(unit: str, command: list[str]) -> None:
    """issue 12 (Deploying): ExecStart is the installed `talimger` with a command the CLI knows
    (`talimger <command> --help` exits 0; a misspelt one exits 2)."""
    parsed = _unit(unit)
    exec_start = shlex.split(parsed["Service"]["ExecStart"])
    assert exec_start[0] == INSTALLED_TALIMGER
    assert exec_start[1:] == command
    flags = [word for word in command if word.startswith("--")]
    words = [word for word in command if not word.startswith("--")]
    done = subprocess.run([sys.executable, "-m", "bot", *words, *flags, "--help"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "EnvironmentFile=/etc/talimger/talimger.env" in (UNITS / unit).read_text(encoding="utf-8").splitlines()


def test_the_replica_unit_listens_on_its_instance_port_after_the_migration() -> None:
    """issue 12 (Deploying): talimger@PORT listens on PORT; no replica starts before the migration."""
    text = (UNITS / "talimger@.service").read_text(encoding="utf-8")
    assert "Environment=WEB_PORT=%i" in text.splitlines()
    unit = _unit("talimger@.service")["Unit"]
    assert "talimger-migrate.service" in unit["Requires"].split()
    assert "talimger-migrate.service" in unit["After"].split()
    assert _unit("talimger-migrate.service")["Service"]["Type"] == "oneshot"


def test_the_environment_example_names_only_real_settings() -> None:
    """issue 12 (Deploying): every variable in deploy/talimger.env.example is one the bot reads."""
    names = [line.split("=", 1)[0] for line in
             (REPO / "deploy" / "talimger.env.example").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    known = {name.upper() for name in Settings.model_fields}
    assert {"BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET", "DATABASE_URL", "REDIS_URL"} <= set(names)
    assert set(names) - known == set()


@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="nginx is not installed (Debian: apt-get install nginx-light)")
def test_the_nginx_template_renders_into_a_config_nginx_accepts(tmp_path: Path) -> None:
    """issue 12 (Deploying): the rendered template passes `nginx -t`; the webhook location retries
    the next replica, and only the webhook, / and /c/ are proxied."""
    site = render_nginx(tmp_path, [8101, 8102, 8103], listen="127.0.0.1:18443", webhook_path="/telegram")
    text = site.read_text(encoding="utf-8")
    assert text.count("server 127.0.0.1:81") == 3 and not re.search(r"@[A-Z_]+@", text)
    assert "location = /telegram" in text and "location /c/" in text
    main = nginx_main_config(tmp_path, site)
    done = subprocess.run([nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(main),
                           "-g", f"pid {tmp_path / 'nginx.pid'};"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"
