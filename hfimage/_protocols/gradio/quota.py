"""Recognising Hugging Face GPU-quota messages and the wait they announce."""

from __future__ import annotations

import re

_QUOTA = re.compile(
    r"exceeded your (?:free )?(?:zero)?gpu quota"
    r"|zerogpu runs limit"
    r"|reached its gpu limit"
    r"|no gpu was available",
    re.IGNORECASE,
)
_RETRY = re.compile(
    r"(?:try again|retry) in\s+(?:(?P<days>\d+)\s+days?)?,?\s*"
    r"(?:(?P<hours>\d+):(?P<minutes>\d{2}):(?P<seconds>\d{2}))?",
    re.IGNORECASE,
)


def is_quota_message(text: str) -> bool:
    return _QUOTA.search(text) is not None


def quota_retry_after(text: str) -> float | None:
    """Seconds until retry, from wordings like ``0:05:12``, ``1 day, 2:03:04`` or ``2 days``."""
    match = _RETRY.search(text)
    if match is None or not any(match.group("days", "hours")):
        return None
    days = int(match.group("days") or 0)
    hours = int(match.group("hours") or 0)
    minutes = int(match.group("minutes") or 0)
    seconds = int(match.group("seconds") or 0)
    return float(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
