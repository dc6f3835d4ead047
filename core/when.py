"""Dates and times as people write them, in the active language.

The one place that knows how a date or a time is written. Pages (through the
template filters in ``core/templatetags/when.py``), e-mails, SMS texts and the
calendar feed all ask here, so that the conventions are the same everywhere:

- Norwegian, Bokmål and Nynorsk alike: «tirsdag 15. desember kl. 18.00–20.00».
  Weekdays and months in lower case (a template capitalises the first word
  of a sentence or heading with ``|capfirst``), a full stop between hours
  and minutes, «kl.» before a time, an en dash in a range, «15.12.2026» for
  a short date.
- English: "Tuesday 15 December, 18:00–20:00", "Tuesday 15 December at
  18:00", "15/12/2026".

A date in words carries its year when it is not in the current year (in
Oslo), unless the caller asks for the year always (``year=True``) or never
(``year=False``).

Times are shown in Oslo, whatever time zone a value carries. Names of days
and months come from Django's catalogues for the active language.
"""

from __future__ import annotations

import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dates, timezone, translation

OSLO = ZoneInfo("Europe/Oslo")

DateLike = datetime.date | datetime.datetime
TimeLike = datetime.time | datetime.datetime


def norwegian() -> bool:
    """Whether the active language writes dates the Norwegian way (nb and nn)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language.split("-")[0].lower() in {"nb", "nn", "no"}


def local(value: DateLike) -> DateLike:
    """A datetime in Oslo's wall-clock time; a plain date as it is."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            return value
        return value.astimezone(OSLO)
    return value


def _date(value: DateLike) -> datetime.date:
    moment = local(value)
    return moment.date() if isinstance(moment, datetime.datetime) else moment


def _time(value: TimeLike) -> datetime.time:
    if isinstance(value, datetime.datetime):
        return value.astimezone(OSLO).time() if timezone.is_aware(value) else value.time()
    return value


def weekday(value: DateLike) -> str:
    """«tirsdag», "Tuesday"."""
    name = str(dates.WEEKDAYS[_date(value).weekday()])
    return name.lower() if norwegian() else name


def month(value: DateLike) -> str:
    """«desember», "December"."""
    name = str(dates.MONTHS[_date(value).month])
    return name.lower() if norwegian() else name


def clock(value: TimeLike, *, seconds: bool = False) -> str:
    """«18.00», "18:00" (with seconds: «18.00.05», "18:00:05")."""
    moment = _time(value)
    separator = "." if norwegian() else ":"
    parts = [moment.hour, moment.minute] + ([moment.second] if seconds else [])
    return separator.join(f"{part:02d}" for part in parts)


def at(value: TimeLike) -> str:
    """A point in time after a date: «kl. 18.00», "at 18:00"."""
    return f"kl. {clock(value)}" if norwegian() else f"at {clock(value)}"


def clock_range(start: TimeLike, end: TimeLike) -> str:
    """«18.00–20.00», "18:00–20:00"."""
    return f"{clock(start)}–{clock(end)}"


def _with_year(day: datetime.date, year: bool | None) -> bool:
    if year is None:
        return day.year != _date(timezone.now()).year
    return year


def day_month(value: DateLike, *, year: bool | None = None) -> str:
    """«15. desember», "15 December"; with the year: «15. desember 2026»."""
    day = _date(value)
    text = f"{day.day}. {month(day)}" if norwegian() else f"{day.day} {month(day)}"
    return f"{text} {day.year}" if _with_year(day, year) else text


def weekday_date(value: DateLike, *, year: bool | None = None) -> str:
    """«tirsdag 15. desember», "Tuesday 15 December"."""
    return f"{weekday(value)} {day_month(value, year=year)}"


def date_clock(value: datetime.datetime, *, year: bool | None = None) -> str:
    """«15. desember kl. 18.00», "15 December at 18:00"."""
    return f"{day_month(value, year=year)} {at(value)}"


def weekday_date_clock(value: datetime.datetime, *, year: bool | None = None) -> str:
    """«tirsdag 15. desember kl. 18.00», "Tuesday 15 December at 18:00"."""
    return f"{weekday_date(value, year=year)} {at(value)}"


def meeting_time(
    start: datetime.datetime, end: datetime.datetime, *, year: bool | None = None
) -> str:
    """«tirsdag 15. desember kl. 18.00–20.00», "Tuesday 15 December, 18:00–20:00"."""
    return " ".join(meeting_time_parts(start, end, year=year))


def meeting_time_parts(
    start: datetime.datetime, end: datetime.datetime, *, year: bool | None = None
) -> tuple[str, str]:
    """The day and the times of ``meeting_time``, which a page keeps on one line each.

    («tirsdag 15. desember», «kl. 18.00–20.00»), ("Tuesday 15 December,", "18:00–20:00").
    """
    if norwegian():
        return weekday_date(start, year=year), f"kl. {clock_range(start, end)}"
    return f"{weekday_date(start, year=year)},", clock_range(start, end)


def short_date(value: DateLike) -> str:
    """«15.12.2026», "15/12/2026"."""
    day = _date(value)
    separator = "." if norwegian() else "/"
    return f"{day.day:02d}{separator}{day.month:02d}{separator}{day.year}"


def short_datetime(value: datetime.datetime, *, seconds: bool = False) -> str:
    """«15.12.2026 kl. 18.00», "15/12/2026 18:00"."""
    if norwegian():
        return f"{short_date(value)} kl. {clock(value, seconds=seconds)}"
    return f"{short_date(value)} {clock(value, seconds=seconds)}"


def relative_day(
    value: DateLike, now: datetime.datetime | None = None
) -> Literal["today", "tomorrow", "other"]:
    """Whether ``value`` is today or tomorrow in Oslo, for "today at 18.00"."""
    today = _date(now or timezone.now())
    day = _date(value)
    if day == today:
        return "today"
    if day == today + datetime.timedelta(days=1):
        return "tomorrow"
    return "other"
