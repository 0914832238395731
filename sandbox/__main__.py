"""``python -m sandbox --host 127.0.0.1 --port 8081``: run the sandbox on its own."""

from __future__ import annotations

import argparse

from aiohttp import web

from sandbox.app import create_app
from sandbox.models import Settings
from sandbox.persistence import StateStore
from sandbox.state import DEFAULT_TOKEN, SandboxState


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the one bot token accepted")
    parser.add_argument("--username", default="talimger_sandbox_bot")
    parser.add_argument("--rate-limits", action="store_true", help="enforce 30/s overall, 1/s per chat")
    parser.add_argument("--strict-file-ids", action="store_true", help="unknown file_id → 400")
    parser.add_argument("--state", metavar="FILE",
                        help="keep users, chats, messages, files and update ids in FILE across restarts")
    args = parser.parse_args(argv)

    settings = Settings(rate_limits_enabled=args.rate_limits, strict_file_ids=args.strict_file_ids)
    state = SandboxState(token=args.token, settings=settings, bot_username=args.username)
    store = StateStore(args.state) if args.state else None
    if store is not None:
        store.attach(state)
    print(f"Bot API sandbox: http://{args.host}:{args.port}  token={args.token}")
    print(f"  aiogram: TelegramAPIServer.from_base('http://{args.host}:{args.port}')")
    web.run_app(
        create_app(state, store=store),
        host=args.host,
        port=args.port,
        handler_cancellation=True,
        shutdown_timeout=1.0,
        print=None,
    )


if __name__ == "__main__":
    main()
