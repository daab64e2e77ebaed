"""Turning server text into something fit for an error message."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._secrets import redact
from ..errors import HFImageError

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_EXCERPT_CHARS = 300
LISTED_ITEMS = 12
"""How many items of a list (an app's choices, inputs, endpoints) a message quotes at most."""
_ITEM_CHARS = 60
_WORD = re.compile(r"[a-z0-9]+")


def plain(text: str) -> str:
    """The text without HTML tags and entities, on one line."""
    import html  # noqa: PLC0415 - only error and notice texts need it; keeps `import hfimage` quick

    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def number(value: float) -> str:
    """A number as people write it: whole ones in full (``2147483647``), others short (``7.5``)."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e18 else f"{value:g}"


def listing(items: Iterable[object], *, separator: str = ", ", limit: int = LISTED_ITEMS) -> str:
    """The items as text, joined: at most ``limit`` of them, each at most 60 characters, then how many more.

    Items often come from servers (an app's choices, endpoints, inputs), so a message quoting them
    stays short whatever the server sent.
    """
    shown: list[str] = []
    more = 0
    for item in items:
        if len(shown) < limit:
            text = str(item)
            shown.append(text if len(text) <= _ITEM_CHARS else text[: _ITEM_CHARS - 1] + "…")
        else:
            more += 1
    return separator.join(shown) + (f"{separator}… and {more} more" if more else "")


def excerpt(text: str) -> str:
    """A short plain-text excerpt of a server's answer."""
    flat = plain(text)
    return flat if len(flat) <= _EXCERPT_CHARS else flat[: _EXCERPT_CHARS - 1] + "…"


def slug(text: str, limit: int = 60) -> str:
    """Lowercase letters and digits of ``text``, words joined by ``-``, at most ``limit`` long; ``image`` if none."""
    return "-".join(_WORD.findall(text.lower()))[:limit].strip("-") or "image"


def looks_like_html(text: str) -> bool:
    start = text.lstrip()[:15].lower()
    return start.startswith("<!doctype") or start.startswith("<html") or start.startswith("<")


def _scrubbed(value: object, secrets: tuple[str, ...]) -> object:
    if isinstance(value, str):
        for secret in secrets:
            value = redact(value, secret)
    return value


def handed_over(error: HFImageError, secrets: Iterable[str]) -> HFImageError:
    """The error made fit to hand to the caller: every secret masked in its message (and in those of
    its attempts), and hfimage's internal frames let go, with those of its causes. Those frames hold
    HTTP responses, whose sockets would otherwise stay open for as long as the caller keeps the error.
    """
    secrets = tuple(secret for secret in secrets if secret)
    for secret in secrets:
        error.message = redact(error.message, secret)
    error.args = (error.message, *error.args[1:])
    _clean_chain(error, secrets)
    for attempt in getattr(error, "attempts", ()):
        if attempt.error is not None:
            handed_over(attempt.error, secrets)
    return error


def _clean_chain(error: BaseException, secrets: tuple[str, ...]) -> None:
    """Let go of the frames of ``error`` and its causes, and mask the secrets in the causes' messages.

    A cause from requests may quote a header value; one whose text still shows a secret once
    its arguments are masked (it builds its text some other way) is cut from the chain.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        cause = current.__cause__ or current.__context__
        if cause is not None and secrets:
            if isinstance(cause, HFImageError):
                cause.message = str(_scrubbed(cause.message, secrets))
            cause.args = tuple(_scrubbed(argument, secrets) for argument in cause.args)
            if any(secret in f"{cause!s}{cause!r}" for secret in secrets):
                current.__cause__ = current.__context__ = None
                current.__suppress_context__ = True
                break
        current = cause
