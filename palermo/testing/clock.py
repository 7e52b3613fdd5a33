"""A clock tests can stop and move forward: sessions, lockouts and expiries read it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.utils import timezone

# Modules that bound ``django.utils.timezone.now`` to a name of their own at import time.
_BOUND_NOW = ("axes.handlers.proxy.now", "axes.attempts.now")


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def read(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@contextmanager
def frozen_clock(start: datetime | None = None) -> Iterator[Clock]:
    """Stop ``timezone.now()`` at ``start`` (default: now) until the clock is advanced."""
    clock = Clock(start or timezone.now())
    with ExitStack() as stack:
        for target in ("django.utils.timezone.now", *_BOUND_NOW):
            stack.enter_context(mock.patch(target, side_effect=clock.read))
        yield clock
