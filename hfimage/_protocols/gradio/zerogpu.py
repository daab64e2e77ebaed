"""What a ZeroGPU failure means: its kind, read from the error's title first, else from its text.

Every ZeroGPU failure is a ``gr.Error`` with a title (``ZeroGPU quota exceeded``...). The title
arrives on the queue route, and on the call route from Gradio 6.13; elsewhere only the text
does, in the wordings the ``spaces`` package used from 0.28 to 0.51.3.
"""

from __future__ import annotations

import re
from enum import Enum

from ..._core.server_data import MAX_WAIT_SECONDS


class Failure(Enum):
    """The kinds of ZeroGPU failure, by what the caller can do about them."""

    QUOTA = "quota"
    """The caller's GPU time is used up (shared by every ZeroGPU space); the text names the wait."""
    RUNS = "runs"
    """The caller ran too many jobs today (shared too)."""
    PENDING = "pending"
    """Too many of the caller's own jobs are running at once: retry when they finish."""
    SPACE_LIMIT = "space limit"
    """This space used up its own GPU allowance; other spaces are not affected."""
    BUSY = "busy"
    """No GPU free right now: transient."""
    DURATION = "duration"
    """The job asks for more GPU time than the caller's tier allows: not transient."""


TITLES = {
    "zerogpu quota exceeded": Failure.QUOTA,
    "zerogpu pending credits exceeded": Failure.PENDING,
    "zerogpu queue timeout": Failure.BUSY,
    "zerogpu client error": Failure.BUSY,
    "zerogpu illegal duration": Failure.DURATION,
}

_TEXTS = (
    (re.compile(r"too many zerogpu credits allocated", re.IGNORECASE), Failure.PENDING),
    (re.compile(r"requested gpu duration .{0,40}larger than the maximum", re.IGNORECASE), Failure.DURATION),
    (re.compile(r"reached its gpu limit", re.IGNORECASE), Failure.SPACE_LIMIT),
    (re.compile(r"exceeded your (?:zerogpu )?runs limit", re.IGNORECASE), Failure.RUNS),
    (re.compile(r"exceeded your (?:free |pro )?(?:zero)?gpu quota", re.IGNORECASE), Failure.QUOTA),
    (re.compile(r"run+ing out of daily zerogpu quota", re.IGNORECASE), Failure.QUOTA),
    (re.compile(r"no gpu was available", re.IGNORECASE), Failure.BUSY),
)
_RETRY = re.compile(
    r"(?:try again|retry) in\s+(?:(?P<days>\d{1,9})\s+days?)?,?\s*"
    r"(?:(?P<hours>\d{1,9}):(?P<minutes>\d{2}):(?P<seconds>\d{2}))?",
    re.IGNORECASE | re.ASCII,
)

SHARED = frozenset({Failure.QUOTA, Failure.RUNS, Failure.PENDING})
"""Failures that belong to the caller's account (or address), not to the space: every ZeroGPU space shares them."""


def classify(text: str, title: str | None = None) -> Failure | None:
    """The kind of ZeroGPU failure a message reports, or None when it is not one.

    A title that names a kind decides; a quota title wins over a text that reads as a busy GPU.
    """
    if title is not None:
        known = TITLES.get(title.strip().lower())
        if known is not None:
            return known
    return next((kind for pattern, kind in _TEXTS if pattern.search(text)), None)


def retry_after(text: str) -> float | None:
    """Seconds until retry, from wordings like ``0:05:12``, ``1 day, 2:03:04`` or ``2 days``."""
    match = _RETRY.search(text)
    if match is None or not any(match.group("days", "hours")):
        return None
    days = int(match.group("days") or 0)
    hours = int(match.group("hours") or 0)
    minutes = int(match.group("minutes") or 0)
    seconds = int(match.group("seconds") or 0)
    return min(float(((days * 24 + hours) * 60 + minutes) * 60 + seconds), MAX_WAIT_SECONDS)
