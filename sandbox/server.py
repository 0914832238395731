"""The sandbox server's public names in one place (``from sandbox.server import Sandbox``)."""

from sandbox.app import Sandbox, create_app
from sandbox.botapi import STATE_KEY
from sandbox.clock import SandboxClock
from sandbox.models import Settings
from sandbox.state import DEFAULT_TOKEN, SandboxState

__all__ = [
    "DEFAULT_TOKEN",
    "STATE_KEY",
    "Sandbox",
    "SandboxClock",
    "SandboxState",
    "Settings",
    "create_app",
]
