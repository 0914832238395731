"""The sandbox's clock: every time the sandbox reasons about comes from here.

Message dates, callback-query age, the 48-hour delete window and the rate-limit windows all
read ``SandboxClock.now()``, so a test moves time with ``advance()`` instead of sleeping.
Long-poll *timeouts* are real waits and do not use this clock.
"""

from __future__ import annotations

import time


class SandboxClock:
    """A wall clock that can be pushed forward (or frozen) by tests.

    ``start=None`` follows real time plus the advanced offset, so rate-limit windows still
    slide on their own when nobody touches the clock; ``frozen=True`` stops it at ``start``
    (or at the moment of creation) so only ``advance()`` moves it.
    """

    def __init__(self, start: float | None = None, *, frozen: bool = False) -> None:
        self._frozen = frozen
        self._base = start if start is not None else time.time()
        self._real_at_base = time.time()
        self._offset = 0.0

    def now(self) -> float:
        """The current sandbox time as a Unix timestamp (float seconds)."""
        if self._frozen:
            return self._base + self._offset
        return self._base + (time.time() - self._real_at_base) + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (must be ≥ 0); returns the new time."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        self._offset += seconds
        return self.now()

    @property
    def offset(self) -> float:
        """How far the clock has been pushed ahead of its natural course."""
        return self._offset
