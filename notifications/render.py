"""Helpers every renderer shares: e-mail text and HTML from templates, ids
from ``params``, and a meeting time as people say it.

Nothing here knows a group or a meeting: the renderers live in the apps that
cause their messages (``<app>/messages.py``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from core import when as core_when

from .models import OutgoingMessage
from .registry import Rendered


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
    """A time in Oslo as a message says it, written by ``core.when``: ``time``
    («18.00», "18:00"), ``date`` («tirsdag 3. mars», "Tuesday 3 March") and
    ``day`` (``today``, ``tomorrow`` or ``other``), for «i dag kl. 18.00» or
    "Tuesday 3 March at 18:00" in the active language."""
    return {
        "time": core_when.clock(starts_at),
        "date": core_when.weekday_date(starts_at),
        "day": core_when.relative_day(starts_at, now),
    }
