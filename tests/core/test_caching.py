"""Values held in the process for a few seconds as well as in the shared cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from core import caching


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(caching.time, "monotonic", fake.monotonic)
    return fake


def loader(values):
    calls = []

    def load():
        calls.append(1)
        return values[len(calls) - 1]

    return load, calls


def test_a_value_is_loaded_once_then_held_here_and_shared(clock):
    load, calls = loader([["a"], ["b"]])
    assert caching.remembered("k", load, 60) == ["a"]
    assert caching.remembered("k", load, 60) == ["a"]
    assert len(calls) == 1
    assert cache.get("k") == ["a"]


def test_another_process_follows_a_change_within_the_local_seconds(clock):
    load, _calls = loader([["old"]])
    assert caching.remembered("k", load, 60) == ["old"]
    cache.set("k", ["new"], 60)  # another process changed it and filled the cache
    assert caching.remembered("k", load, 60) == ["old"]
    clock.now += caching.LOCAL_SECONDS + 0.01
    assert caching.remembered("k", load, 60) == ["new"]


def test_the_local_copy_never_outlives_the_shared_time(clock):
    load, calls = loader([1, 2])
    caching.remembered("k", load, 1)
    clock.now += 1.01
    cache.delete("k")
    assert caching.remembered("k", load, 1) == 2 and len(calls) == 2


@pytest.mark.django_db
def test_forget_drops_it_here_and_in_the_shared_cache_now_and_after_commit(
    clock, django_capture_on_commit_callbacks
):
    load, calls = loader([1, 2, 3])
    caching.remembered("k", load, 60)
    with django_capture_on_commit_callbacks(execute=True):
        caching.forget("k")
        assert cache.get("k") is None
        assert caching.remembered("k", load, 60) == 2  # read in between: the old rows
    assert cache.get("k") is None  # dropped again once committed
    assert caching.remembered("k", load, 60) == 3
    assert len(calls) == 3


def test_past_the_limit_every_local_copy_is_dropped(clock):
    for i in range(caching.LOCAL_ENTRIES):
        caching.remembered(f"k{i}", lambda i=i: i, 60)
    assert len(caching._local) == caching.LOCAL_ENTRIES
    caching.remembered("one-more", lambda: 0, 60)
    assert len(caching._local) == 1


def test_a_kept_value_replaces_the_old_one_here_and_in_the_shared_cache(clock):
    load, calls = loader([["short"]])
    assert caching.remembered("k", load, 60) == ["short"]
    caching.keep("k", ["longer"], 60)
    assert caching.remembered("k", load, 60) == ["longer"]
    assert cache.get("k") == ["longer"] and len(calls) == 1
    clock.now += caching.LOCAL_SECONDS + 0.01
    assert caching.remembered("k", load, 60) == ["longer"], "another process reads it too"
