"""The Redis cache backend keeps one client per connection pool and counts in one round trip."""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from django.core.cache.backends.locmem import LocMemCache

from core.cache import RedisCache, count

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def backend():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:  # pragma: no cover - Redis runs on every machine here
        pytest.skip("no Redis server")
    return RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_every_operation_uses_the_same_client(backend):
    backend.set("a", {"x": [1, 2]}, 5)
    first = backend._cache.get_client()
    assert backend.get("a") == {"x": [1, 2]}
    assert backend.add("n", 1, 5)
    assert backend.incr("n") == 2
    assert backend._cache.get_client() is first
    assert backend._cache.get_client(write=True) is backend._cache.get_client(write=True)
    backend.delete("a")
    backend.delete("n")
    assert backend.get("a") is None


def test_a_shared_client_survives_a_lost_connection(backend):
    backend.set("k", "v", 5)
    client = backend._cache.get_client()
    client.connection_pool.disconnect()
    assert backend.get("k") == "v"
    backend.delete("k")


def test_a_counter_counts_and_ends_with_its_window(backend):
    assert [count(backend, "c", 5) for _ in range(3)] == [1, 2, 3]
    client = backend._cache.get_client()
    key = backend.make_and_validate_key("c")
    assert 0 < client.ttl(key) <= 5
    assert backend.get("c") == 3
    backend.delete("c")


def test_a_counter_that_lost_its_end_gets_one_again(backend):
    client = backend._cache.get_client()
    key = backend.make_and_validate_key("c")
    client.set(key, 7)  # as if it ended between the two commands elsewhere
    assert count(backend, "c", 5) == 8
    assert 0 < client.ttl(key) <= 5
    client.expire(key, 100)
    count(backend, "c", 5)
    assert client.ttl(key) > 5, "a running window keeps its end"
    backend.delete("c")


def test_a_counter_elsewhere_uses_add_and_incr():
    local = LocMemCache("counters", {})
    assert [count(local, "c", 5) for _ in range(3)] == [1, 2, 3]
