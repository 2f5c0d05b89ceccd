"""Becoming the teacher: where the laptop's own browser is the teacher, the one-time teacher link, and the brake on
guessing the lecturer password.

- **The laptop's own browser.** With no password set, the teacher is a session whose browser runs on the server's
  machine (a loopback address, not forwarded by a balancer or a proxy, which would add X-Forwarded-For); everyone
  who joins over the network is a student.
- **The teacher link.** A random token, printed in the server's terminal when it starts (as Jupyter does), makes the
  session that opens ``/?teacher=TOKEN`` the teacher (a lecturer projecting from a tablet). It works once; a new one
  is printed after it was used.
- **Guessing.** After :data:`FREE_TRIES` wrong passwords (or links) from a session or a client address, each further
  try is refused until a wait has passed, doubling from 1 s up to :data:`LONGEST_WAIT_S`; so 20 guesses take minutes,
  and a student who guesses from the teacher's own address delays the right password by at most that long.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping

FREE_TRIES = 3
FIRST_WAIT_S = 1.0
LONGEST_WAIT_S = 30.0
FORGET_AFTER_S = 15 * 60  # a key with no failure for this long starts afresh
FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
log = logging.getLogger("oneshot.sign_in")


def is_local_client(address: str | None, headers: Mapping[str, str] | None) -> bool:
    """Whether a session's browser runs on the server's own machine: a loopback address that no proxy forwarded.
    ``address`` None is how Streamlit reports a loopback peer (and a session with no network at all: a test's); a
    balancer on this machine is a loopback peer too, which its X-Forwarded-For header gives away."""
    forwarded = any(name.lower() in FORWARDING_HEADERS for name in (headers or {}))
    if address is None:
        return not forwarded
    try:
        loopback = ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False
    return loopback and not forwarded


class SignInThrottle:
    """Failures per key (a session, a client address); thread-safe. :meth:`wait` says how long a key must wait before
    its next try is looked at."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (failures, time of the last one)
        self._lock = threading.Lock()

    def _delay(self, failures: int) -> float:
        if failures < FREE_TRIES:
            return 0.0
        return min(LONGEST_WAIT_S, FIRST_WAIT_S * 2 ** (failures - FREE_TRIES))

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds before any of ``keys`` may try again (0: now)."""
        now = self._clock()
        with self._lock:
            waits = [0.0]
            for key in keys:
                failures, last = self._failures.get(key, (0, 0.0))
                if failures and now - last > FORGET_AFTER_S:
                    self._failures.pop(key, None)
                    continue
                waits.append(last + self._delay(failures) - now)
            return max(0.0, max(waits))

    def failed(self, keys: Iterable[str], address: str | None) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                failures, _last = self._failures.get(key, (0, 0.0))
                self._failures[key] = (failures + 1, now)
        log.warning("wrong teacher password or link from %s", address or "an unknown address")

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class TeacherLink:
    """A one-time token that makes a session the teacher; a new one replaces it once used."""

    def __init__(self, announce: Callable[[str], None] | None = None) -> None:
        self._announce = announce
        self._lock = threading.Lock()
        self._token = secrets.token_urlsafe(18)

    @property
    def token(self) -> str:
        return self._token

    def use(self, given: str) -> bool:
        """Whether ``given`` is the current token (compared in constant time); a right one is spent."""
        with self._lock:
            if not given or not hmac.compare_digest(given.encode("utf-8"), self._token.encode("utf-8")):
                return False
            self._token = secrets.token_urlsafe(18)
            token = self._token
        if self._announce is not None:
            self._announce(token)
        return True


_throttle = SignInThrottle()
_link: TeacherLink | None = None
_link_lock = threading.Lock()


def sign_in_throttle() -> SignInThrottle:
    """This server process's throttle."""
    return _throttle


def teacher_link(announce: Callable[[str], None] | None = None) -> TeacherLink:
    """This server process's teacher link (made on the first call, with the function that prints new tokens)."""
    global _link
    with _link_lock:
        if _link is None:
            _link = TeacherLink(announce)
        return _link
