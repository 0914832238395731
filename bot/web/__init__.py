"""The bot's own web app (aiohttp), in the bot's process: public certificate pages, health."""
from bot.web.app import create_web_app
from bot.web.server import WebServer

__all__ = ["WebServer", "create_web_app"]
