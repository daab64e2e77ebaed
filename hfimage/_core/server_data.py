"""Where server JSON enters: parsed into Python, then read under one guard.

A server can send any JSON: nested ten thousand levels deep, numbers too large for a float,
fields of the wrong type. Rather than check every field for every way it can be wrong, the
code that reads an answer runs inside ``reading()``, which turns whatever Python raises on an
unexpected shape into a ProtocolError naming the server.
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

from ..errors import ProtocolError
from .text import excerpt
from .translating import translating

MAX_WAIT_SECONDS = 7 * 24 * 3600.0
"""The longest wait a server may announce (retry after...); a longer one is read as this long."""


def finite_number(value: Any) -> float | None:
    """A number a server or a state file sent, as a finite float; None for anything else (booleans,
    strings, infinities, NaN, integers too large to be a float exactly)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int) and abs(value) > 2**53:
        return None
    return float(value) if math.isfinite(value) else None


SHAPE_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError, OverflowError)
"""What reading data of an unexpected shape raises in Python."""


def parse_json(text: str, sender: str, **facts: Any) -> Any:
    """The value of a JSON text, or ProtocolError (broken JSON, or nesting deeper than Python parses)
    naming ``sender`` and carrying ``facts`` (its ``provider`` defaults to ``sender``)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        message = f"{sender} answered with something that is not JSON: {excerpt(text)!r}"
        raise ProtocolError(message, **{"provider": sender, **facts}) from exc


def reading(provider: str, what: str) -> contextlib.AbstractContextManager[None]:
    """Inside, an answer of a shape hfimage does not expect becomes a ProtocolError about ``what``."""
    return translating(
        SHAPE_ERRORS,
        lambda exc: ProtocolError(
            f"{provider} sent {what} that hfimage cannot read ({type(exc).__name__}). "
            "The server is not speaking a protocol hfimage knows: try again, or use another provider.",
            provider=provider,
        ),
    )
