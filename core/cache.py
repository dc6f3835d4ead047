"""Django's Redis cache, with one client per connection pool, and counters.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every cache
operation; each one copies redis-py's table of reply callbacks, about 80 µs,
where the round trip itself is about 140 µs on loopback. A client is safe to
share (its connections come from the pool, which reconnects after a fork), so
this keeps one per pool. Everything else is Django's.

``count`` adds one to a counter that lives for a while (the rate limits'):
on Redis one round trip, elsewhere Django's ``add`` and ``incr``.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis
from django.core.cache.backends.base import BaseCache


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # the stubs do not know Django's private helpers
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = django_client._get_connection_pool(write)
            client = self._clients[index] = django_client._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def count(self, key: str, timeout: int) -> int:
        """One more on the counter ``key``: ``INCR``, then ``EXPIRE … NX``, which sets
        the lifetime only if the counter has none (it was just made), in one round trip.
        Whatever happens between the two, a counter never lives without its end."""
        key = self.make_and_validate_key(key)
        client: Any = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, timeout, nx=True)
            value, _set = pipe.execute()
        return int(value)


def count(cache: BaseCache, key: str, timeout: int) -> int:
    """One more on the counter ``key`` in ``cache``, which ends ``timeout`` seconds after
    it was made; returns the new value."""
    if isinstance(cache, RedisCache):
        return cache.count(key, timeout)
    # add() is atomic on every backend: it only creates a missing counter.
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # it ended between add() and incr()
        cache.set(key, 1, timeout=timeout)
        return 1
