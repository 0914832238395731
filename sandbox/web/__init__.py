"""The sandbox's browser chat: a Telegram-like page (plain HTML, CSS and JS) and its event stream."""

from sandbox.web.routes import StaffMember, WebChatConfig, add_routes

__all__ = ["StaffMember", "WebChatConfig", "add_routes"]
