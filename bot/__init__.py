# Before anything imports aiogram: its Telegram types are then built on first use, not all at
# import (107 MB and 1.5 s less per process; see bot/telegram_types_on_demand.py).
from bot.telegram_types_on_demand import install as _build_telegram_types_on_demand

_build_telegram_types_on_demand()
