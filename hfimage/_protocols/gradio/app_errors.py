"""An error a Gradio app reported, as the typed error it means (a quota text among them)."""

from __future__ import annotations

from ..._core.text import plain
from ...errors import HFImageError, ProviderError, QuotaExceededError
from .quota import is_quota_message, quota_retry_after


def app_error(detail: str | None, provider: str) -> HFImageError:
    """The typed error for an error the app reported, with its text when it gave one."""
    if detail is None or not plain(detail):
        return ProviderError(
            f"{provider} failed and did not say why (Gradio hides app errors on this route). "
            "Free spaces often fail like this when their GPU quota runs out: set HF_TOKEN, "
            "try again later, or use another provider.",
            provider=provider,
        )
    text = plain(_unquote(detail.strip()))
    if is_quota_message(text):
        wait = quota_retry_after(text)
        return QuotaExceededError(
            f"{provider}: {text}" + ("" if wait is None else f" (retry after {wait:.0f} s)"),
            provider=provider,
            retry_after=wait,
        )
    return ProviderError(f"{provider} failed: {text}", provider=provider)


def _unquote(text: str) -> str:
    """Gradio 4 wraps error text in one pair of Python quotes: ``'msg'``."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
