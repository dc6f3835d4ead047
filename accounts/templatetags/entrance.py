"""Links between the ways to sign up that keep where the person was going."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from accounts.http import safe_next

register = template.Library()


@register.simple_tag(takes_context=True)
def url_keeping_next(context: dict[str, Any], name: str) -> str:
    """``{% url_keeping_next "account_signup_phone" as url %}``: the page, with a safe ``next``."""
    url = reverse(name)
    request = context.get("request")
    if request is None:
        return url
    next_url = safe_next(request)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
