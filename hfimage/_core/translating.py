"""Turning what Python raises inside a block into hfimage's typed error; hfimage's own errors pass through."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TypeVar

from ..errors import HFImageError

Caught = TypeVar("Caught", bound=BaseException)


@contextlib.contextmanager
def translating(
    kinds: type[Caught] | tuple[type[Caught], ...], make: Callable[[Caught], HFImageError]
) -> Iterator[None]:
    """Inside, an exception of ``kinds`` is raised again as ``make(exception)``, caused by it.

    An HFImageError is let through as it is (InvalidRequestError is also a ValueError).
    """
    try:
        yield
    except HFImageError:
        raise
    except kinds as exc:
        raise make(exc) from exc
