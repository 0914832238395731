"""A local stand-in for Telegram's Bot API, with a user side for tests and people.

    from sandbox import Sandbox
    async with Sandbox() as sandbox:
        bot = Bot(sandbox.token, session=AiohttpSession(api=sandbox.api_server))

See ``sandbox.app`` (server), ``sandbox.client`` (test client), ``python -m sandbox`` (standalone).
"""

from sandbox.app import Sandbox, create_app
from sandbox.clock import SandboxClock
from sandbox.models import Settings
from sandbox.state import DEFAULT_TOKEN, SandboxState

__all__ = ["DEFAULT_TOKEN", "Sandbox", "SandboxClock", "SandboxState", "Settings", "create_app"]
