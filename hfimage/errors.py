"""The errors hfimage raises: one root, one subclass per cause.

Every error carries a message that says what happened and what to do next. Errors
from a provider name it in ``provider``. All of them pickle, so they cross process
and thread boundaries intact.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class HFImageError(Exception):
    """Root of every error hfimage raises."""

    def __init__(self, message: str, *, provider: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[HFImageError], args: tuple[Any, ...], state: dict[str, Any]) -> HFImageError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class InvalidRequestError(HFImageError, ValueError):
    """The request cannot succeed as given; nothing was sent, and no other provider is tried."""


class ProviderError(HFImageError):
    """The space's app (or the image service) reported an error of its own."""


class QuotaExceededError(ProviderError):
    """The space refused the job for lack of GPU quota.

    ``retry_after`` is the wait in seconds that the space announced, or None.
    """

    def __init__(self, message: str, *, provider: str | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, provider=provider)
        self.retry_after = retry_after


class ServiceUnavailableError(HFImageError):
    """The service cannot take the job now: sleeping or building space, full queue, 5xx."""

    def __init__(self, message: str, *, provider: str | None = None, status_code: int | None = None) -> None:
        super().__init__(message, provider=provider)
        self.status_code = status_code


class RateLimitError(ServiceUnavailableError):
    """HTTP 429: too many requests. ``retry_after`` comes from the Retry-After header, or is None."""

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, provider=provider, status_code=status_code)
        self.retry_after = retry_after


class AuthenticationError(HFImageError):
    """The service refused access (HTTP 401/403): the space is private or gated, or the token is wrong."""


class ProtocolError(HFImageError):
    """The server answered in a way hfimage does not understand, or the stream ended without a result."""


class ConnectionError(HFImageError, builtins.ConnectionError):
    """The network failed: no connection, a refused or dropped connection, a proxy or TLS failure."""


class TimeoutError(HFImageError, builtins.TimeoutError):
    """The call ran out of time: its deadline passed, or the server went silent for too long."""


@dataclass(frozen=True)
class Attempt:
    """One provider tried during a call: its name and, if it failed, the error."""

    provider: str
    error: HFImageError | None = None


class AllProvidersFailedError(HFImageError):
    """Every provider that serves the model failed; ``attempts`` lists each one with its error."""

    def __init__(self, message: str, *, attempts: Sequence[Attempt]) -> None:
        super().__init__(message)
        self.attempts = tuple(attempts)


__all__ = [
    "AllProvidersFailedError",
    "Attempt",
    "AuthenticationError",
    "ConnectionError",
    "HFImageError",
    "InvalidRequestError",
    "ProtocolError",
    "ProviderError",
    "QuotaExceededError",
    "RateLimitError",
    "ServiceUnavailableError",
    "TimeoutError",
]
