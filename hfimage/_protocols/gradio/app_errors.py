"""An error a Gradio app reported, as the typed error it means (ZeroGPU's failures among them)."""

from __future__ import annotations

import re

from ..._core.spelling import advice
from ..._core.text import plain
from ...errors import (
    GPUDurationError,
    HFImageError,
    ProviderError,
    QuotaExceededError,
    ReplicaMismatchError,
    ServiceUnavailableError,
)
from .zerogpu import SHARED, Failure, classify, retry_after

PENDING_WAIT = 30.0
"""Seconds to wait when ZeroGPU refuses a job while the caller's other jobs run, and names no wait."""


def _anonymous() -> str:
    return (
        "Without a token you share the anonymous ZeroGPU quota (2 minutes of GPU a day per address): give a "
        f"Hugging Face token ({advice('token=, HF_TOKEN', 'HF_TOKEN')}, or `hf auth login`) for 5 minutes a day, "
        "40 with PRO."
    )


_SHARED = "This quota is your account's, shared by every ZeroGPU space: hfimage will not try the others until then."


def app_error(detail: str | None, provider: str, *, title: str | None = None, anonymous: bool = False) -> HFImageError:
    """The typed error for an error the app reported, with its text when it gave one.

    ``title`` is the error's title where the route carries it; ``anonymous`` says the call
    carried no token, which changes the advice for ZeroGPU's limits.
    """
    text = plain(_unquote(detail.strip())) if detail is not None else ""
    kind = classify(text, title)
    if kind is None and not text:
        return ProviderError(
            f"{provider} failed and did not say why (Gradio hides app errors on this route). "
            "Free spaces often fail like this when their GPU quota runs out: set HF_TOKEN, "
            "try again later, or use another provider.",
            provider=provider,
        )
    said = f"{provider}: {text or title}".rstrip(". ") + "."
    if _LOST.search(text):
        return lost_job(provider)
    if kind is None:
        return ProviderError(f"{provider} failed: {text}", provider=provider)
    if kind is Failure.BUSY:
        return ServiceUnavailableError(f"{said} No GPU is free there now: try again soon, or use another provider.",
                                       provider=provider)  # fmt: skip
    if kind is Failure.DURATION:
        raise_tier = f" {_anonymous()}" if anonymous else " A PRO account allows longer jobs."
        return GPUDurationError(
            f"{said} The job needs more GPU time than your ZeroGPU tier allows: ask for fewer steps or a smaller "
            f"image.{raise_tier}",
            provider=provider,
        )
    wait = retry_after(text)
    if kind is Failure.PENDING:
        wait = wait if wait is not None else PENDING_WAIT
        hint = "Your other ZeroGPU jobs still hold GPU time: wait for them to finish, then try again."
    elif kind is Failure.SPACE_LIMIT:
        hint = "This space has used up its own GPU allowance: use another space, or try it later."
    else:
        hint = _anonymous() if anonymous else _SHARED
    when = "" if wait is None else f" (retry after {wait:.0f} s)"
    return QuotaExceededError(f"{said}{when} {hint}", provider=provider, retry_after=wait, shared=kind in SHARED)


_LOST = re.compile(r"(?:event|session) not found", re.IGNORECASE)


def lost_job(provider: str) -> ReplicaMismatchError:
    """The error for a job its space no longer knows: most often a request routed to another replica."""
    return ReplicaMismatchError(
        f"{provider} lost the job: the answer came from a replica of the space that does not hold it "
        '("Event not found in queue"). Try again; hfimage keeps each space\'s cookies so that its requests '
        "reach one replica.",
        provider=provider,
    )


def _unquote(text: str) -> str:
    """Gradio 4 wraps error text in one pair of Python quotes: ``'msg'``."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
