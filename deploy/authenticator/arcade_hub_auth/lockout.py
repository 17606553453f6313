"""Lockout after repeated failed sign-ins, per user name and per client address."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LockoutState:
    """One locked key as admins see it."""

    key: str
    failures: int
    locked_for: float


class Lockout:
    """``max_failures`` failures within ``window`` seconds lock a key until
    the oldest of them is ``window`` seconds old. Keys are ``user:NAME`` and
    ``address:IP``; unknown user names lock like known ones, so a lockout
    says nothing about who exists."""

    def __init__(
        self,
        max_failures: int = 5,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_failures < 1 or window <= 0:
            raise ValueError("max_failures must be at least 1 and window positive")
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(user: str, address: str | None) -> list[str]:
        keys = [f"user:{user}"]
        if address:
            keys.append(f"address:{address}")
        return keys

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def locked_for(self, user: str, address: str | None) -> float:
        """Seconds until a sign-in is allowed again; 0 when it is now."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in self.keys(user, address):
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    wait = max(wait, times[0] + self.window - now)
        return wait

    def failed(self, user: str, address: str | None) -> None:
        now = self._clock()
        with self._lock:
            for key in self.keys(user, address):
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times

    def succeeded(self, user: str, address: str | None) -> None:
        with self._lock:
            for key in self.keys(user, address):
                self._failures.pop(key, None)

    def states(self) -> list[LockoutState]:
        """Every key with recent failures (locked or not), most failures first."""
        now = self._clock()
        with self._lock:
            result = []
            for key in list(self._failures):
                times = self._recent(key, now)
                if times:
                    locked = (
                        times[0] + self.window - now if len(times) >= self.max_failures else 0.0
                    )
                    result.append(LockoutState(key, len(times), round(locked, 1)))
        return sorted(result, key=lambda s: (-s.failures, s.key))

    def clear(self, key: str) -> bool:
        """Lifts a lockout (an admin's action); False when the key had none."""
        with self._lock:
            return self._failures.pop(key, None) is not None
