"""Many generations at once: results in order, one failure never sinking the rest."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..errors import HFImageError, InvalidRequestError
from .cancel import Cancellation

T = TypeVar("T")


def check_count(name: str, value: object) -> int:
    """``value`` if it is a whole number of at least 1 (how many at once), else InvalidRequestError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidRequestError(f"{name} must be a whole number of at least 1; got {value!r}.")
    return value


def run_many(
    count: int,
    work: Callable[[int, Cancellation], T],
    *,
    concurrency: int,
    on_done: Callable[[int, T | HFImageError], object] | None = None,
) -> list[T | HFImageError]:
    """Run ``work(index, cancellation)`` for each index, ``concurrency`` at a time, in worker threads.

    Each result is the work's value or the hfimage error it raised; ``on_done`` sees each as it
    finishes. An interruption (Ctrl-C) cancels every job still running, at once, and is re-raised.
    """
    import concurrent.futures  # noqa: PLC0415 - only batches need it; keeps `import hfimage` quick

    results: list[T | HFImageError | None] = [None] * count
    cancellation = Cancellation()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="hfimage-batch")
    try:
        futures = {pool.submit(work, index, cancellation): index for index in range(count)}
        for future in concurrent.futures.as_completed(futures):
            index = futures[future]
            try:
                outcome: T | HFImageError = future.result()
            except HFImageError as error:
                outcome = error
            results[index] = outcome
            if on_done is not None:
                on_done(index, outcome)
    except BaseException:
        cancellation.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [result for result in results if result is not None]
