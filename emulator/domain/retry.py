"""When a failed webhook is tried again: exponential backoff with a cap and a little jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Attempt n+1 follows attempt n after base * factor**(n-1) seconds, capped, plus jitter."""

    base_seconds: float = 5.0
    factor: float = 2.0
    cap_seconds: float = 3600.0
    max_attempts: int = 10
    jitter: float = 0.1

    def delay_after(self, attempts: int, rng: random.Random | None = None) -> float | None:
        """Seconds to wait after `attempts` failed attempts, or None when there are no more."""
        if attempts >= self.max_attempts:
            return None
        delay = min(self.cap_seconds, self.base_seconds * self.factor ** (attempts - 1))
        # Jitter only lengthens the wait, so gaps keep growing whenever factor > 1 + jitter.
        return delay * (1 + self.jitter * (rng or random).random())
