"""Several `talimger run --webhook` replicas behind nginx, on PostgreSQL and Redis, deployed by
the recipe of docs/DEPLOY.md (issue 12): deploy/nginx/talimger.conf rendered by
deploy/render_nginx.py, `talimger db upgrade` once, `talimger course load`, `talimger webhook
set` once, then each replica as `talimger@PORT.service` starts it (WEB_PORT = its port, the shared
environment of deploy/talimger.env.example). Telegram is the sandbox (`sandbox.Sandbox`, in the
test's process): it posts updates to nginx, and the replicas call its Bot API.

Used by tests/cluster and bench/replicas.py. Needs nginx, a PostgreSQL database (a fresh one
per test: tests/postgres/conftest.py `pg_url`) and Redis (`TEST_REDIS_URL`; the cluster uses
database CLUSTER_REDIS_DB of that server, and every cluster gets its own bot id, so its keys —
prefixed with the bot id — are its own).
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import aiohttp

from content import SAMPLE_COURSE_DIR
from sandbox import Sandbox, webhook_parallel
from tests.ports import free_port

REPO = Path(__file__).resolve().parents[2]
RENDER_NGINX = REPO / "deploy" / "render_nginx.py"
CLUSTER_REDIS_DB = 13  # tests/unit's limiter tests use 14, the rest of the suite 15
WEBHOOK_PATH = "/telegram"
SECRET = "cluster-" + secrets.token_urlsafe(16)
SETTINGS_TO_DROP = {"BOT_TOKEN", "DATABASE_URL", "ADMIN_CHAT_ID", "OWNER_IDS", "WEBHOOK_URL", "WEBHOOK_SECRET",
                    "REDIS_URL", "TELEGRAM_API_URL", "DATA_DIR", "WEB_PORT", "WEB_HOST", "PUBLIC_BASE_URL"}


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def missing_servers() -> str | None:
    """Why the cluster cannot run here, or None."""
    if nginx_binary() is None:
        return "nginx is not installed (Debian: apt-get install nginx-light)"
    if not os.environ.get("TEST_POSTGRES_URL"):
        return "TEST_POSTGRES_URL is not set (e.g. postgresql+asyncpg://user:pw@127.0.0.1/db)"
    if not os.environ.get("TEST_REDIS_URL"):
        return "TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)"
    return None


def cluster_redis_url() -> str:
    return os.environ["TEST_REDIS_URL"].rsplit("/", 1)[0] + f"/{CLUSTER_REDIS_DB}"


def render_nginx(folder: Path, ports: list[int], listen: str, webhook_path: str = WEBHOOK_PATH) -> Path:
    """deploy/nginx/talimger.conf as the recipe renders it (over plain HTTP: the sandbox is Telegram)."""
    site = folder / "talimger.conf"
    args = [sys.executable, str(RENDER_NGINX), "--listen", listen, "--server-name", "127.0.0.1",
            "--webhook-url", f"http://127.0.0.1{webhook_path}", "--out", str(site)]
    for port in ports:
        args += ["--port", str(port)]
    subprocess.run(args, check=True, timeout=30)
    return site


def nginx_main_config(prefix: Path, site: Path) -> Path:
    """What Debian's /etc/nginx/nginx.conf does around conf.d/*.conf, with every file in `prefix`
    (no `user` directive: run as root, the workers stay root; as anyone else they run as that user)."""
    for folder in ("logs", "tmp"):
        (prefix / folder).mkdir(exist_ok=True)
    main = prefix / "nginx.conf"
    temp = prefix / "tmp"
    main.write_text(f"""
error_log {prefix / 'logs' / 'error.log'} warn;
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix / 'logs' / 'access.log'};
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
""", encoding="utf-8")
    return main


async def _wait_for_port(port: int, timeout: float, process: asyncio.subprocess.Process | None = None,
                         what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if process is not None and process.returncode is not None:
                raise RuntimeError(f"{what} exited with {process.returncode} before listening on {port}") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} not listening on {port} within {timeout}s") from None
            await asyncio.sleep(0.1)


@dataclass
class Replica:
    """One `talimger run --webhook` process, as talimger@PORT.service runs it."""

    port: int
    environment: dict[str, str]
    folder: Path
    process: asyncio.subprocess.Process | None = None
    starts: int = 0
    log_files: list[Path] = field(default_factory=list)

    async def start(self) -> None:
        self.starts += 1
        log_file = self.folder / f"replica-{self.port}-{self.starts}.log"
        self.log_files.append(log_file)
        with log_file.open("wb") as sink:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--webhook", cwd=self.folder,
                env={**self.environment, "WEB_PORT": str(self.port)},
                stdout=sink, stderr=subprocess.STDOUT)
        await self.wait_healthy()

    async def wait_healthy(self, timeout: float = 60) -> None:
        await _wait_for_port(self.port, timeout, self.process, f"replica {self.port}")
        async with aiohttp.ClientSession() as http:
            deadline = time.monotonic() + timeout
            while True:
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{self.port}/healthz") as reply:
                        if reply.status == 200:
                            return
                assert time.monotonic() < deadline, f"replica {self.port} never became healthy"
                await asyncio.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: no drain, no clean-up (a crash, the OOM killer)."""
        assert self.process is not None and self.process.returncode is None
        self.process.send_signal(signal.SIGKILL)

    async def wait(self) -> int:
        assert self.process is not None
        return await self.process.wait()

    async def stop(self) -> int | None:
        """SIGTERM as systemd stops a unit; SIGKILL after its TimeoutStopSec."""
        process = self.process
        if process is None or process.returncode is not None:
            return None if process is None else process.returncode
        process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(process.wait(), 45)
        except asyncio.TimeoutError:
            process.kill()
            return await process.wait()

    async def metric(self, name: str, labels: str = "") -> float:
        """The sum of a counter's samples on this replica's /metrics (this process's life only),
        of those whose labels contain `labels` (e.g. 'kind="broadcast"')."""
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{self.port}/metrics") as reply:
                text = await reply.text()
        pattern = re.compile(rf"^{re.escape(name)}(?:{{([^}}]*)}})? ([0-9.e+-]+)$", re.M)
        return sum(float(value) for found, value in pattern.findall(text) if labels in found)

    def cpu_seconds(self) -> float:
        """User + system CPU of the running process, from /proc (Linux)."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.log_files if path.exists())


class Cluster:
    """nginx + N replicas + the sandbox; `async with Cluster(...) as cluster:` deploys, exits tidily."""

    def __init__(self, folder: Path, database_url: str, replicas: int = 3, *, redis_url: str | None = None,
                 extra_env: dict[str, str] | None = None, sandbox: Sandbox | None = None) -> None:
        self.folder = folder
        self.database_url = database_url
        self.redis_url = redis_url or cluster_redis_url()
        # Its own bot id: the Redis keys (send limiter, FSM state) are prefixed with it.
        self.token = f"{7_000_000_000 + secrets.randbelow(999_999_999)}:cluster-{secrets.token_hex(8)}"
        self.sandbox = sandbox or Sandbox(token=self.token)
        self.nginx_port = free_port()
        self.replicas = [Replica(free_port(), {}, folder) for _ in range(replicas)]
        self.extra_env = extra_env or {}
        self.nginx: asyncio.subprocess.Process | None = None
        self.prefix = folder / "nginx"

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}{WEBHOOK_PATH}"

    def environment(self) -> dict[str, str]:
        """/etc/talimger/talimger.env for this cluster (deploy/talimger.env.example)."""
        base = {key: value for key, value in os.environ.items() if key not in SETTINGS_TO_DROP}
        base.update(BOT_TOKEN=self.sandbox.token, TELEGRAM_API_URL=self.sandbox.url,
                    WEBHOOK_URL=self.webhook_url, WEBHOOK_SECRET=SECRET,
                    DATABASE_URL=self.database_url, REDIS_URL=self.redis_url,
                    WEB_HOST="127.0.0.1", PUBLIC_BASE_URL=f"http://127.0.0.1:{self.nginx_port}",
                    TRUSTED_PROXIES="127.0.0.1", DATA_DIR=str(self.folder / "data"),
                    CONTENT_DIR=str(self.folder / "no-courses"), SCHEDULER_ENABLED="true",
                    LOG_LEVEL="WARNING", DEFAULT_LOCALE="en")
        base.update(self.extra_env)
        return base

    async def __aenter__(self) -> Cluster:
        # Telegram posts over up to 40 connections at once; the sandbox's default deliverer uses one.
        self._previous_deliverer = webhook_parallel.install(40)
        await self.sandbox.start()
        # The record the tests read: every call, not only the last 20,000.
        self.sandbox.state.calls = deque(self.sandbox.state.calls, maxlen=2_000_000)
        try:
            await self._deploy()
        except BaseException:
            await self._tear_down()
            raise
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self._tear_down()

    async def _deploy(self) -> None:
        (self.folder / "data").mkdir(exist_ok=True)
        environment = self.environment()
        for replica in self.replicas:
            replica.environment = environment
        # 1. the schema, once; 2. the course; 3. nginx; 4. the webhook, once; 5. the replicas.
        await self.command("db", "upgrade")
        await self.command("course", "load", str(SAMPLE_COURSE_DIR))
        await self.start_nginx()
        await self.command("webhook", "set")
        await asyncio.gather(*(replica.start() for replica in self.replicas))

    async def command(self, *args: str) -> str:
        """`talimger <args>` with the cluster's environment; its output; fails the test on a non-zero exit."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=self.folder, env=self.environment(),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await asyncio.wait_for(process.communicate(), 120)
        text = output.decode(errors="replace")
        assert process.returncode == 0, f"talimger {' '.join(args)} exited {process.returncode}: {text}"
        return text

    async def start_nginx(self) -> None:
        binary = nginx_binary()
        assert binary is not None
        self.prefix.mkdir(exist_ok=True)
        site = render_nginx(self.prefix, [replica.port for replica in self.replicas],
                            listen=f"127.0.0.1:{self.nginx_port}")
        main = nginx_main_config(self.prefix, site)
        self.nginx = await asyncio.create_subprocess_exec(
            binary, "-p", str(self.prefix), "-c", str(main),
            "-g", f"daemon off; pid {self.prefix / 'nginx.pid'};",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        await _wait_for_port(self.nginx_port, 20, self.nginx, "nginx")

    def nginx_log(self, name: str = "error.log") -> str:
        path = self.prefix / "logs" / name
        return path.read_text(errors="replace") if path.exists() else ""

    async def _tear_down(self) -> None:
        await asyncio.gather(*(replica.stop() for replica in self.replicas), return_exceptions=True)
        if self.nginx is not None and self.nginx.returncode is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish the requests it holds
            try:
                await asyncio.wait_for(self.nginx.wait(), 15)
            except asyncio.TimeoutError:
                self.nginx.kill()
                await self.nginx.wait()
        await self.sandbox.stop()
        webhook_parallel.restore(self._previous_deliverer)
        await self._forget_redis_keys()

    async def _forget_redis_keys(self) -> None:
        from redis.asyncio import Redis

        bot_id = self.sandbox.token.split(":", 1)[0]
        redis = Redis.from_url(self.redis_url)
        try:
            keys = [key async for key in redis.scan_iter(match=f"*{bot_id}*", count=1000)]
            if keys:
                await redis.delete(*keys)
        except OSError:
            pass
        finally:
            await redis.aclose()
