"""lab.rate_limit: a sliding window per key, with a made-up clock; thread-safe; bounded in memory."""

from __future__ import annotations

import threading

import pytest

from lab.rate_limit import RateLimiter, whole_seconds
from tests.support.clock import Clock


def test_a_key_gets_limit_events_per_window_then_waits_for_the_oldest_to_age() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 60, clock=clock)
    for _ in range(3):  # at 0, 10 and 20 s
        assert limiter.hit("10.0.0.7") == 0.0
        clock.now += 10
    assert limiter.hit("10.0.0.7") == pytest.approx(30)  # at 30 s: the first of the three ages out at 60 s
    assert limiter.retry_after("10.0.0.7") == pytest.approx(30)
    assert limiter.hit("10.0.0.8") == 0.0  # another address is not concerned
    clock.now += 30
    assert limiter.hit("10.0.0.7") == 0.0  # at 60 s: one slot freed, and used
    assert limiter.retry_after("10.0.0.7") == pytest.approx(10)  # the next frees at 70 s
    clock.now += 5
    assert limiter.hit("10.0.0.7") == pytest.approx(5)  # a refused try is not counted: the window did not move
    assert limiter.hit("10.0.0.7") == pytest.approx(5)


def test_waits_are_said_in_whole_seconds() -> None:
    assert [whole_seconds(s) for s in (0.0001, 1.0, 1.2, 59.9)] == [1, 1, 2, 60]


def test_threads_at_once_never_get_more_than_the_limit() -> None:
    limiter = RateLimiter(5, 60)
    allowed = []
    barrier = threading.Barrier(16)

    def client() -> None:
        barrier.wait()
        for _ in range(10):
            allowed.append(limiter.hit("10.0.0.9") == 0.0)

    threads = [threading.Thread(target=client) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 5 and len(allowed) == 160


def test_memory_is_bounded_by_max_keys_forgetting_quiet_addresses_first() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 60, clock=clock, max_keys=100)
    limiter.hit("busy")
    limiter.hit("busy")
    clock.now += 1
    for number in range(500):
        limiter.hit(f"10.1.{number // 256}.{number % 256}")
    assert len(limiter) <= 100
    clock.now += 120  # every address went quiet
    limiter.hit("newcomer")
    assert len(limiter) == 1


def test_nonsense_settings_are_refused() -> None:
    for limit, window in ((0, 60), (3, 0)):
        with pytest.raises(ValueError):
            RateLimiter(limit, window)
