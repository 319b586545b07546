"""Waiting for an event, never for a length of time: a test polls a condition until it holds,
under a ceiling meant for the slowest, busiest machine (reaching it is a failure, not a pace)."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

CEILING_S = 60.0  # how long anything a test waits for may take on a slow, busy machine
POLL_S = 0.05


def eventually(condition: Callable[[], T | None], what: str, ceiling_s: float = CEILING_S) -> T:
    """The first truthy value of `condition()`, polled until it comes; fails after `ceiling_s`
    saying what never happened. Exceptions from `condition` propagate."""
    deadline = time.monotonic() + ceiling_s
    while not (value := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {ceiling_s:g} s"
        time.sleep(POLL_S)
    return value
