"""Exit codes, which differ by cause."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import (
    AllProvidersFailedError,
    ConnectionError,
    CreditsDepletedError,
    HFImageError,
    InvalidRequestError,
    QuotaExceededError,
    RateLimitError,
    TimeoutError,
)

EXIT_OK = 0
EXIT_BUG = 1
EXIT_INVALID = 2
EXIT_QUOTA = 3
EXIT_PROVIDER = 4
EXIT_NETWORK = 5
EXIT_INTERRUPTED = 130


def exit_code(error: HFImageError) -> int:
    """The exit code for an error: 2 invalid input, 3 quota (or credits), 4 provider failure, 5 network."""
    if isinstance(error, AllProvidersFailedError):
        return common_code(attempt.error for attempt in error.attempts if attempt.error is not None)
    if isinstance(error, InvalidRequestError):
        return EXIT_INVALID
    if isinstance(error, (QuotaExceededError, RateLimitError, CreditsDepletedError)):
        return EXIT_QUOTA
    if isinstance(error, (ConnectionError, TimeoutError)):
        return EXIT_NETWORK
    return EXIT_PROVIDER


def common_code(errors: Iterable[HFImageError]) -> int:
    """The code all the errors share, else the provider-failure code."""
    codes = {exit_code(error) for error in errors}
    return codes.pop() if len(codes) == 1 else EXIT_PROVIDER
