"""The outbox's global send rate: never more than `rate` sends in any second, evenly spaced."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque


class Pacer:
    """Never more than `rate` sends in any second, evenly spaced, however late requests arrive.

    Telegram counts messages when they arrive, and a request can arrive later than it left (a busy
    machine, the network), so a count of send times can be fooled into a burst. This count cannot: a
    request counts from the moment it leaves until one second after its answer came back (Telegram took
    it somewhere in between), and one more may only leave while fewer than `rate` are counted. On top,
    sends follow an even timeline (`due`): each may go at most a quarter interval early, which makes up
    for the event loop waking a little late without letting sends bunch up.
    """

    SAFETY = 0.97  # stay just under the limit
    EARLY = 0.25  # of an interval
    RECHECK = 0.002  # seconds between looks while the count is full of requests still under way

    def __init__(self, rate: float) -> None:
        self.rate = rate * self.SAFETY
        self.cap = max(1, int(self.rate))
        self.interval = 1.0 / self.rate
        self.early = self.EARLY * self.interval
        self.answered: deque[float] = deque()  # when recent requests were answered
        self.under_way = 0
        self.due = 0.0
        self.paused_until = 0.0
        self._closed = asyncio.Event()

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    def close(self) -> None:
        """Stop handing out slots: a waiting `acquire` returns False at once (shutdown during a pause)."""
        self._closed.set()

    def _wait(self, now: float) -> float:
        while self.answered and self.answered[0] <= now - 1.0:
            self.answered.popleft()
        wait = max(self.due - self.early - now, self.paused_until - now)
        if self.under_way + len(self.answered) >= self.cap:
            wait = max(wait, self.answered[0] + 1.0 - now if self.answered else self.RECHECK)
        return wait

    async def acquire(self) -> bool:
        """Wait for a send slot; every `acquire` that returns True must be followed by `done` when the
        answer is in. False: the pacer was closed, send nothing more."""
        while not self._closed.is_set():
            now = time.monotonic()
            wait = self._wait(now)
            if wait <= 0:
                self.under_way += 1
                self.due = max(self.due, now) + self.interval
                return True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), timeout=wait)
        return False

    def done(self) -> None:
        self.under_way -= 1
        self.answered.append(time.monotonic())
