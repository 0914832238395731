"""Dates and times as a learner reads them: in their time zone, which every time names.

A time alone is ambiguous for a course whose learners live in several zones, so each one
shown carries its zone: "9 мар. 2026 г., 09:05 (Алматы, UTC+5)". The zone is the learner's
(/settings), else the course's; the caller passes it.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time, get_timezone_location

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"})


def utc_offset(moment: datetime, zone: str) -> str:
    """"UTC+5", "UTC-4", "UTC+5:30": the offset of `zone` at `moment` (daylight saving included)."""
    offset = moment.astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_city(zone: str, locale: str) -> str:
    """The city of an IANA zone in the learner's language (Babel/CLDR): "Алматы", "New York"."""
    if zone in UTC_NAMES:
        return "UTC"
    return get_timezone_location(ZoneInfo(zone), locale=locale, return_city=True)


def zone_label(zone: str, locale: str, moment: datetime) -> str:
    """"Almaty, UTC+5" (the offset at `moment`), or just "UTC"."""
    if zone in UTC_NAMES:
        return "UTC"
    return f"{zone_city(zone, locale)}, {utc_offset(moment, zone)}"


def local_date(moment: datetime, locale: str, zone: str) -> str:
    """"March 9, 2026" / "9 марта 2026 г." / "2026 ж. 9 наурыз", on the learner's calendar."""
    return format_date(moment.astimezone(ZoneInfo(zone)).date(), "long", locale=locale)


def local_time(moment: datetime, locale: str, zone: str) -> str:
    """"09:05 (Almaty, UTC+5)": the clock time with its zone."""
    clock = format_time(moment, "HH:mm", tzinfo=ZoneInfo(zone), locale=locale)
    return f"{clock} ({zone_label(zone, locale, moment)})"


def short_moment(moment: datetime, locale: str, zone: str) -> str:
    """"2026 ж. 9 нау., 09:05" / "9 мар. 2026 г., 09:05" / "Mar 9, 2026, 09:05", without the zone.

    The date comes from the CLDR skeleton yMMMd (each language orders and abbreviates its own
    way), joined to the time by the language's own date-time pattern."""
    local = moment.astimezone(ZoneInfo(zone))
    date = format_skeleton("yMMMd", local, locale=locale)
    clock = format_time(local, "HH:mm", locale=locale)
    pattern = Locale.parse(locale).datetime_formats["medium"]
    return str(pattern).format(clock, date)


def format_moment(moment: datetime, locale: str, zone: str = "UTC") -> str:
    """A date and time in the learner's language and zone, naming the zone."""
    return f"{short_moment(moment, locale, zone)} ({zone_label(zone, locale, moment)})"
