"""Template filters for dates and times, from ``core.when``.

``{% load when %}``, then for example ``{{ meeting.starts_at|meeting_time:meeting.ends_at }}``
(«tirsdag 15. desember kl. 18.00–20.00») or ``{{ offer.expires_at|date_clock }}``
(«15. desember kl. 18.00»). Norwegian names are in lower case: use
``|capfirst`` where the phrase begins a sentence or a heading. An empty value
gives an empty string.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from core import when

register = template.Library()


@register.filter
def clock(value: datetime.time | datetime.datetime | None) -> str:
    """«18.00», "18:00"."""
    return when.clock(value) if value not in (None, "") else ""


@register.filter
def clock_seconds(value: datetime.time | datetime.datetime | None) -> str:
    """«18.00.05», "18:00:05"."""
    return when.clock(value, seconds=True) if value not in (None, "") else ""


@register.filter
def clock_range(start: Any, end: Any) -> str:
    """«18.00–20.00», "18:00–20:00"."""
    return when.clock_range(start, end) if start and end else ""


@register.filter
def day_month(value: Any) -> str:
    """«15. desember», "15 December"."""
    return when.day_month(value) if value else ""


@register.filter
def day_month_year(value: Any) -> str:
    """«15. desember 2026», "15 December 2026"."""
    return when.day_month(value, year=True) if value else ""


@register.filter
def weekday_date(value: Any) -> str:
    """«tirsdag 15. desember», "Tuesday 15 December"."""
    return when.weekday_date(value) if value else ""


@register.filter
def weekday_date_year(value: Any) -> str:
    """«tirsdag 15. desember 2026», "Tuesday 15 December 2026"."""
    return when.weekday_date(value, year=True) if value else ""


@register.filter
def date_clock(value: Any) -> str:
    """«15. desember kl. 18.00», "15 December at 18:00"."""
    return when.date_clock(value) if value else ""


@register.filter
def weekday_date_clock(value: Any) -> str:
    """«tirsdag 15. desember kl. 18.00», "Tuesday 15 December at 18:00"."""
    return when.weekday_date_clock(value) if value else ""


@register.filter
def meeting_time(start: Any, end: Any) -> str:
    """«tirsdag 15. desember kl. 18.00–20.00», "Tuesday 15 December, 18:00–20:00".

    The times stay on one line («18.00–» never ends a line on a phone).
    """
    if not (start and end):
        return ""
    day, times = when.meeting_time_parts(start, end)
    return format_html('{} <span class="nowrap">{}</span>', day, times)


# «18.00–20.00», "18:00–20:00", «kl. 18.00–20.00»: a time range in running text.
_TIME_RANGE = re.compile(r"(?:kl\. )?\d{1,2}[.:]\d{2}–\d{1,2}[.:]\d{2}")


@register.filter
def times_nowrap(text: Any) -> str:
    """Text (escaped) with each time range in it kept on one line, e.g. a
    group's cadence «tirsdager kl. 18.00–20.00, hver uke»."""
    text = str(text)
    parts, last = [], 0
    for match in _TIME_RANGE.finditer(text):
        parts.append(conditional_escape(text[last : match.start()]))
        parts.append(format_html('<span class="nowrap">{}</span>', match.group(0)))
        last = match.end()
    parts.append(conditional_escape(text[last:]))
    return SafeString("".join(parts))


@register.filter
def short_date(value: Any) -> str:
    """«15.12.2026», "15/12/2026"."""
    return when.short_date(value) if value else ""


@register.filter
def short_datetime(value: Any) -> str:
    """«15.12.2026 kl. 18.00», "15/12/2026 18:00"."""
    return when.short_datetime(value) if value else ""


@register.filter
def short_datetime_seconds(value: Any) -> str:
    """«15.12.2026 kl. 18.00.05», "15/12/2026 18:00:05"."""
    return when.short_datetime(value, seconds=True) if value else ""
