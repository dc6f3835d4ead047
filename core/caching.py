"""Values many requests read, held for a few seconds in each process as well as in the
shared cache.

Reading the shared cache (Redis in production) is a round trip: about 0.2 ms on
loopback, and a search read four such values (the theme choices, the digital
preview and count, the information meetings' points). ``remembered`` keeps
each in the process too, for at most ``LOCAL_SECONDS``.

What that costs: after a change, another process may answer with the old value
for up to ``LOCAL_SECONDS``. ``forget`` drops the value from this process and
from the shared cache at once (and again once the change has committed), so
the process that made the change sees it on its next request and the others
within those seconds. Only for values where a few seconds late is fine;
counters (rate limits) stay in the shared cache alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

LOCAL_SECONDS = 5.0
# The process's own copies are few (themes, points, a preview and a count per set of
# filters); past this many they are all dropped and read again.
LOCAL_ENTRIES = 512

_local: dict[str, tuple[float, Any]] = {}


def remembered(
    key: str, load: Callable[[], T], seconds: int, *, local_seconds: float = LOCAL_SECONDS
) -> T:
    """The value of ``key``: from this process, else the shared cache, else ``load()``
    (then kept ``seconds`` in the shared cache). Store plain data that ``load`` builds
    afresh; callers must not change what they get."""
    now = time.monotonic()
    held = _local.get(key)
    if held is not None and held[0] > now:
        return held[1]  # type: ignore[no-any-return]
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, seconds)
    if len(_local) >= LOCAL_ENTRIES:
        _local.clear()
    _local[key] = (now + min(local_seconds, seconds), value)
    return value  # type: ignore[no-any-return]


def keep(key: str, value: Any, seconds: int, *, local_seconds: float = LOCAL_SECONDS) -> None:
    """Replace the value of ``key`` here and in the shared cache (a longer read of the same
    thing, say); plain data, as for ``remembered``."""
    cache.set(key, value, seconds)
    if len(_local) >= LOCAL_ENTRIES:
        _local.clear()
    _local[key] = (time.monotonic() + min(local_seconds, seconds), value)


def forget(key: str) -> None:
    """Drop ``key`` here and in the shared cache, now and again once the change has
    committed (a request may read the old rows and fill the cache in between)."""

    def drop() -> None:
        _local.pop(key, None)
        cache.delete(key)

    drop()
    transaction.on_commit(drop)


def clear_local() -> None:
    """Forget every value held in this process (tests start from an empty cache)."""
    _local.clear()
