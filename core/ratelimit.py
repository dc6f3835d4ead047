"""Cache-based rate limits for the platform's own forms and API.

allauth limits logins, sign-ups and password resets itself
(``ACCOUNT_RATE_LIMITS``). This module limits what allauth does not see: join
requests, interest registrations, absence notices, reports of a change,
posts on a group's board and the JSON API.

Limits are configured per action in ``SELVHJELP_RATE_LIMITS`` with allauth's
notation, a comma-separated list of ``<amount>/<period>/<key>``:

- ``period``: a number and a unit (``s``, ``m``, ``h``, ``d``), e.g. ``10/h``
  or ``5/15m``;
- ``key``: ``user`` (the logged-in account) or ``ip`` (the client address,
  seen through ``ALLAUTH_TRUSTED_PROXY_COUNT`` reverse proxies).

Each limit is a fixed window counted in the default cache. Only unsafe
methods (POST and friends) are counted: reading a form never uses up a
person's attempts. A request over a limit gets HTTP 429 with a message in the
person's language (JSON for ``/api/``) and a ``Retry-After`` header.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from allauth.core.internal.httpkit import get_client_ip
from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext

from core import cache as cache_backend

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*/\s*(user|ip)\s*$")

# Defaults, tuned for people, not scripts: nobody asks to join more than a few
# groups an hour. Override any of them in settings.SELVHJELP_RATE_LIMITS.
DEFAULT_RATE_LIMITS: dict[str, str] = {
    "join_request": "10/h/user,30/h/ip",
    "interest": "10/h/user,30/h/ip",
    "absence": "30/h/user,120/h/ip",
    "api": "120/m/ip",
    "change_report": "5/h/user,10/h/ip",
    "board_post": "20/h/user,60/h/ip",
}

V = TypeVar("V", bound=Callable[..., HttpResponse])


@dataclass(frozen=True)
class Rate:
    amount: int
    period: int  # seconds
    key: str  # "user" or "ip"


@functools.lru_cache(maxsize=64)
def _parsed(spec: str) -> tuple[Rate, ...]:
    return tuple(parse_rates(spec))


def parse_rates(spec: str) -> list[Rate]:
    """``"10/h/user,30/h/ip"`` → two ``Rate``s; an empty string means no limit."""
    rates = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        match = _RATE.match(part)
        if match is None:
            raise ImproperlyConfigured(f"Invalid rate limit {part!r} (expected e.g. '10/h/user').")
        amount, multiple, unit, key = match.groups()
        rates.append(Rate(int(amount), int(multiple or 1) * UNITS[unit], key))
    return rates


def rates_for(action: str) -> list[Rate]:
    configured = getattr(settings, "SELVHJELP_RATE_LIMITS", {}) or {}
    if action not in configured and action not in DEFAULT_RATE_LIMITS:
        raise ImproperlyConfigured(f"No rate limit configured for {action!r}.")
    return list(_parsed(configured.get(action, DEFAULT_RATE_LIMITS.get(action, ""))))


def _identity(request: HttpRequest, key: str) -> str | None:
    if key == "user":
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return f"u{user.pk}"
    ip = get_client_ip(request)
    if not ip:
        return None
    # Hashed, so that no client address sits in the cache in clear.
    return "i" + hashlib.sha256(ip.encode()).hexdigest()[:32]


def consume(request: HttpRequest, action: str) -> int | None:
    """Count one attempt; return seconds to wait if a limit is exceeded, else None.

    Every limit of the action is counted, even after the first one is exceeded,
    so that a script cannot reset one window by tripping another.
    """
    now = time.time()
    wait: int | None = None
    for rate in rates_for(action):
        identity = _identity(request, rate.key)
        if identity is None:
            continue
        window = int(now // rate.period)
        cache_key = f"ratelimit:{action}:{rate.key}:{rate.period}:{identity}:{window}"
        count = cache_backend.count(caches["default"], cache_key, rate.period + 1)
        if count > rate.amount:
            remaining = max(1, int((window + 1) * rate.period - now))
            wait = max(wait or 0, remaining)
    return wait


def reset(request: HttpRequest, action: str) -> None:
    """Forget the current windows of ``action`` for this request's user and address."""
    now = time.time()
    for rate in rates_for(action):
        identity = _identity(request, rate.key)
        if identity is not None:
            window = int(now // rate.period)
            cache.delete(f"ratelimit:{action}:{rate.key}:{rate.period}:{identity}:{window}")


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """HTTP 429: JSON for the API, a page in the person's language elsewhere."""
    message = gettext("Too many attempts in a short time. Please wait a little and try again.")
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"error": "rate_limited", "detail": message}, status=429)
    else:
        response = render(
            request,
            "core/rate_limited.html",
            {"message": message, "retry_after_minutes": max(1, (retry_after + 59) // 60)},
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(action: str, *, every_method: bool = False) -> Callable[[V], V]:
    """Limit requests to the decorated view (see the module docstring).

    Only unsafe methods count, unless ``every_method`` (the JSON API, where
    reading is the whole point and the cost).
    """
    rates_for(action)  # fail at import time on a misconfigured action

    def decorator(view: V) -> V:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if every_method or request.method not in SAFE_METHODS:
                retry_after = consume(request, action)
                if retry_after is not None:
                    logger.warning("rate limit exceeded: action=%s", action)
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return cast(V, wrapper)

    return decorator
