"""A value made on first use, once, even when threads race for it; and the package's default clients."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Lazy(Generic[T]):
    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._make()
            return self._value

    def reset(self) -> None:
        """Forget the value: the next ``get()`` makes a new one."""
        with self._lock:
            self._value = None


_defaults: list[Lazy[Any]] = []


def module_default(make: Callable[[], T]) -> Lazy[T]:
    """The default client behind a module's functions, made on first use; ``reset_default_clients()``
    forgets it."""
    lazy = Lazy(make)
    _defaults.append(lazy)
    return lazy


def reset_default_clients() -> None:
    """Forget every default client: the next module-level call makes a new one, reading the environment
    anew (what ``hfimage.testing``'s fixtures do around each test)."""
    for lazy in _defaults:
        lazy.reset()
