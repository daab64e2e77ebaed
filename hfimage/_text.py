"""Turning server text into something fit for an error message."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .errors import HFImageError

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_EXCERPT_CHARS = 300


def plain(text: str) -> str:
    """The text without HTML tags and entities, on one line."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def excerpt(text: str) -> str:
    """A short plain-text excerpt of a server's answer."""
    flat = plain(text)
    return flat if len(flat) <= _EXCERPT_CHARS else flat[: _EXCERPT_CHARS - 1] + "…"


def looks_like_html(text: str) -> bool:
    start = text.lstrip()[:15].lower()
    return start.startswith("<!doctype") or start.startswith("<html") or start.startswith("<")


def redact(text: str, secret: str | None) -> str:
    """The text with every occurrence of ``secret`` masked."""
    if not secret:
        return text
    return text.replace(secret, mask(secret))


def mask(secret: str) -> str:
    """A recognisable but useless stand-in for a secret, e.g. ``hf_***``."""
    return secret[:3] + "***" if secret.startswith("hf_") else "***"


def redact_error(error: HFImageError, secrets: Iterable[str]) -> HFImageError:
    """The error with every secret masked in its message and in those of its attempts."""
    secrets = tuple(secrets)
    for secret in secrets:
        error.message = redact(error.message, secret)
    error.args = (error.message, *error.args[1:])
    for attempt in getattr(error, "attempts", ()):
        if attempt.error is not None:
            redact_error(attempt.error, secrets)
    return error
