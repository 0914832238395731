"""The `talimger` command: run the bot, validate or load a course, migrate the database, set the webhook."""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings, load_settings, web_app_url
from bot.logging_setup import Redactor, configure_logging

if TYPE_CHECKING:
    from content import Course

log = logging.getLogger("talimger")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talimger",
        description="Talimger: micro-courses in a Telegram chat. With no command, `run`.",
    )
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser(
        "run",
        help="run the bot (no BOT_TOKEN: against the local sandbox)",
        description="Run the bot. Without BOT_TOKEN it starts the local Bot API sandbox with the sample course; "
                    "with BOT_TOKEN it long-polls Telegram (or TELEGRAM_API_URL).",
    )
    run.add_argument("--host", default="127.0.0.1", help="sandbox address to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8081, help="sandbox port (default 8081; 0 picks a free one)")
    run.add_argument("--webhook", action="store_true",
                     help="take updates on the web app at WEBHOOK_URL (needs WEBHOOK_SECRET) instead of polling; "
                          "setting WEBHOOK_URL alone does the same")
    course = commands.add_parser("course", help="check or load a course file",
                                 description="Check or load a course (a folder with course.yaml, or one YAML file).")
    course_commands = course.add_subparsers(dest="course_command", required=True)
    validate = course_commands.add_parser("validate", help="print every error in a course",
                                          description="Print every error in a course with file, line and reason.")
    validate.add_argument("path", type=Path)
    load = course_commands.add_parser("load", help="validate and publish a course as its newest version",
                                      description="Validate a course and publish it as its newest version; "
                                                  "an unchanged course makes no new version.")
    load.add_argument("path", type=Path)
    db = commands.add_parser("db", help="the database schema", description="The database schema.")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="migrate the database to the newest schema (a deploy step)",
                           description="Apply every pending migration to DATABASE_URL and exit. `run` does it "
                                       "too; on PostgreSQL both take an advisory lock, so replicas never race.")
    webhook = commands.add_parser("webhook", help="Telegram's webhook", description="Telegram's webhook.")
    webhook_commands = webhook.add_subparsers(dest="webhook_command", required=True)
    webhook_commands.add_parser("set", help="point Telegram at WEBHOOK_URL with WEBHOOK_SECRET (a deploy step)",
                                description="Call setWebhook with WEBHOOK_URL, WEBHOOK_SECRET and the update "
                                            "types the bot handles, and exit. `run --webhook` sets it only when "
                                            "the URL or the update types differ; run this after changing the secret.")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Exit 0; 1 for a failed course or an unexpected error; 2 for a bad setting (one line, no traceback)."""
    args = build_parser().parse_args(argv)
    # Until the settings are read, mask the token as the environment gives it.
    redact = Redactor([os.environ.get("BOT_TOKEN", "").strip()])
    try:
        settings = load_settings()
        # (WEBHOOK_SECRET is never logged: it travels only in setWebhook's body and in a request header.)
        redact = configure_logging(settings.log_level, [settings.token, os.environ.get("BOT_TOKEN", "").strip()])
        if args.command == "course":
            return _course_command(args, settings)
        if args.command == "db":
            return asyncio.run(_db_upgrade(settings))
        if args.command == "webhook":
            return asyncio.run(_webhook_set(settings))
        if getattr(args, "webhook", False) or settings.webhook_url:
            settings.check_webhook_mode()  # one line and exit 2, before anything starts
        return asyncio.run(_run(settings, getattr(args, "host", "127.0.0.1"), getattr(args, "port", 8081)))
    except ConfigError as error:
        print(redact(str(error)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        # A bug, not a setting: the traceback helps, and the logging filter masks the token in it.
        log.critical("talimger stopped on an unexpected error", exc_info=True)
        return 1


def _course_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.telegram.course_check import RenderedCourseCheck
    from bot.telegram.i18n import create_i18n
    from content.validator import check_course

    # The format's checks, then every message rendered as the bot sends it (see course_check);
    # `load` publishes the course checked here, without checking it again.
    course, errors = check_course(args.path, RenderedCourseCheck(create_i18n(settings.default_locale)))
    if errors or course is None:
        for error in errors:
            print(error, file=sys.stderr)
        print(f"{len(errors)} error(s); nothing was loaded.", file=sys.stderr)
        return 1
    if args.course_command == "validate":
        print(f"{args.path}: the course is valid.")
        return 0
    return asyncio.run(_load(settings, course))


async def _load(settings: Settings, course: Course) -> int:
    from bot.app import Talimger

    app = Talimger(settings, token="0:offline")
    try:
        await app.prepare(first_course=False)  # the course named is the one to publish, on an empty database too
        result = await app.publish_course(course)
    finally:
        await app.stop()
    if result.is_new_version:
        print(f"Published {result.slug}, version {result.version_number}.")
    else:
        print(f"{result.slug} is unchanged; version {result.version_number} stays current.")
    return 0


async def _db_upgrade(settings: Settings) -> int:
    from bot.app import Talimger
    from bot.db.migrate import current_revision

    app = Talimger(settings, token="0:offline")
    try:
        await app.upgrade_database()
        assert app.engine is not None
        print(f"The database is at revision {await current_revision(app.engine)}.")
    finally:
        await app.stop()
    return 0


async def _webhook_set(settings: Settings) -> int:
    from bot.app import Talimger

    if not settings.token:
        raise ConfigError("Bad setting BOT_TOKEN: `webhook set` tells Telegram where to post this bot's updates; "
                          "it needs the bot's token")
    app = Talimger(settings, token=settings.token, api_url=settings.telegram_api_url)
    try:
        await app.set_webhook()
    finally:
        await app.stop()
    print(f"Telegram posts updates to {settings.webhook_url}.")
    return 0


async def _run(settings: Settings, host: str, port: int) -> int:
    from bot.app import Talimger
    from bot.services.staff import Role
    from bot.startup_heap import freeze_startup_heap

    sandbox = None
    if settings.token:
        app = Talimger(settings, token=settings.token, api_url=settings.telegram_api_url)
    else:
        from sandbox import Sandbox
        from sandbox.persistence import StateFileError
        from sandbox.web import WebChatConfig

        # The sandbox keeps its chats beside the database, as Telegram keeps them across restarts;
        # its admin group (the browser's Instructor and Coordinator) is the bot's admin chat.
        try:
            sandbox = Sandbox(host=host, port=port, state_path=settings.data_dir / "sandbox.json",
                              web_config=WebChatConfig(admin_chat_id=settings.admin_chat_id))
        except StateFileError as error:
            raise ConfigError(f"Bad setting DATA_DIR: {error}") from None
        try:
            await sandbox.start()
        except OSError as error:
            raise _sandbox_address_error(host, port, error) from None
        try:
            admin_chat = sandbox.ensure_admin_chat()
        except ValueError as error:
            await sandbox.stop()
            raise ConfigError(f"Bad setting ADMIN_CHAT_ID: the sandbox cannot make {settings.admin_chat_id} "
                              f"its admin group ({error}); a group's id is negative, e.g. -1001234567890, "
                              "or leave ADMIN_CHAT_ID empty") from None
        settings = settings.model_copy(update={"admin_chat_id": admin_chat.id})
        # The browser's Instructor and Coordinator hold their roles, so the staff side works at once.
        staff = [(member.id, Role(member.role)) for member in sandbox.web_config.staff
                 if member.role in (Role.INSTRUCTOR.value, Role.COORDINATOR.value)]
        app = Talimger(settings, token=sandbox.token, api_url=sandbox.url, bootstrap_staff=staff)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await app.start()
        freeze_startup_heap()
        if sandbox is not None:
            # The one line a person needs: where the chat is.
            print(f"Open {web_app_url(sandbox.host, sandbox.port)}/ in your browser", flush=True)
        else:
            if app.webhook_mode:
                log.info("taking updates from %s at %s", settings.telegram_api_url or "Telegram", settings.webhook_url)
            else:
                log.info("polling %s", settings.telegram_api_url or "Telegram")
            if settings.public_base_url_is_default:
                # Learners open certificate links on their phones: this machine's address is no use to them.
                log.warning("PUBLIC_BASE_URL is not set: certificate links point at %s, which only this machine "
                            "can open; set PUBLIC_BASE_URL to the web app's public address",
                            settings.public_base_url)
        waiter = asyncio.create_task(stop.wait())
        polling = asyncio.create_task(app.wait())
        await asyncio.wait({waiter, polling}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
    finally:
        await app.stop()
        if sandbox is not None:
            await sandbox.stop()
    return 0


def _sandbox_address_error(host: str, port: int, error: OSError) -> ConfigError:
    reason = error.strerror or str(error)
    if error.errno in (errno.EADDRINUSE, errno.EACCES):
        return ConfigError(f"Bad setting --port: cannot listen on port {port} of {host}: {reason}; "
                           f"pass --port with a free one (0 picks any)")
    return ConfigError(f"Bad setting --host: cannot listen on {host}:{port}: {reason}")


if __name__ == "__main__":
    sys.exit(main())
