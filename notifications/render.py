"""Helpers every renderer shares: e-mail text and HTML from templates, ids
from ``params``, and a meeting time as people say it.

Nothing here knows a group or a meeting: the renderers live in the apps that
cause their messages (``<app>/messages.py``).
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone

from .models import OutgoingMessage
from .registry import Rendered

OSLO = ZoneInfo("Europe/Oslo")


def html_part(text_template: str, context: dict[str, Any], html_template: str | None = None) -> str:
    """The HTML part: its own template, or the text one inside the plain e-mail frame."""
    if html_template:
        return render_to_string(html_template, context)
    return render_to_string(
        "notifications/email.html",
        {"text": render_to_string(text_template, context), "url": context.get("url", "")},
    )


def email(
    *, subject: str, template: str, context: dict[str, Any], html: str | None = None, sms: str = ""
) -> Rendered:
    """A message from ``emails/<template>.txt`` (and an HTML template, if given)."""
    context = {"site_url": settings.SITE_URL, **context}
    return Rendered(
        subject=subject,
        text=render_to_string(f"emails/{template}.txt", context),
        html=html_part(f"emails/{template}.txt", context, html),
        sms=sms,
        url=context.get("full_url", ""),
    )


def param(message: OutgoingMessage, name: str) -> int:
    """An id from ``params``; 0 (which matches no row) when it is missing."""
    value = message.params.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def when(starts_at: datetime.datetime, now: datetime.datetime | None = None) -> dict[str, str]:
    """A time in Oslo as a message says it: ``time``, ``date`` and ``day``
    (``today``, ``tomorrow`` or ``other``), for "today at 18:00" or
    "Tuesday 3 March at 18:00" in the active language."""
    local = starts_at.astimezone(OSLO)
    today = (now or timezone.now()).astimezone(OSLO).date()
    time = local.strftime("%H:%M")
    date = formats.date_format(local, "l j. F")
    if local.date() == today:
        day = "today"
    elif local.date() == today + datetime.timedelta(days=1):
        day = "tomorrow"
    else:
        day = "other"
    return {"time": time, "date": date, "day": day}
