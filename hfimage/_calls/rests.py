"""Which providers rest after a quota error, and for how long.

A provider that reported running out of GPU quota is skipped while others can serve, until its
retry time has passed. When the quota that ran out is the caller's ZeroGPU quota, every ZeroGPU
provider rests with it, since they all share it.
"""

from __future__ import annotations

import math

from .._core.quota_memory import QuotaMemory, zerogpu_key
from ..errors import QuotaExceededError
from ..providers import Provider, RunContext, Space


class Rests:
    """A client's memory of quota errors, and the rule that reads it."""

    def __init__(self, memory: QuotaMemory | None = None) -> None:
        self.memory = memory if memory is not None else QuotaMemory()
        self._on_zerogpu: set[str] = set()
        """Providers found on ZeroGPU by their errors."""

    def remember(self, provider: Provider, token: str | None, error: QuotaExceededError) -> None:
        """Note a quota error: the caller's ZeroGPU quota when it is shared (and the provider as on ZeroGPU),
        else the provider's own."""
        if error.shared:
            self._on_zerogpu.add(provider.key)
            self.memory.remember(zerogpu_key(token), error)
        else:
            self.memory.remember(provider.key, error)

    def rest(self, provider: Provider, token: str | None, context: RunContext) -> QuotaExceededError | None:
        """Why to skip this provider now, if it must rest: its own quota ran out, or it is on ZeroGPU while
        the caller's ZeroGPU quota has (whether it is on ZeroGPU is asked of the Hub only then)."""
        own = _whole_seconds(self.memory.remaining(provider.key))
        if own is not None:
            return QuotaExceededError(
                f"{provider.name} reported that it is out of GPU quota; hfimage leaves it alone for {own:.0f} s more.",
                provider=provider.name,
                retry_after=own,
            )
        shared = _whole_seconds(self.memory.remaining(zerogpu_key(token)))
        if shared is None or not self._is_on_zerogpu(provider, context):
            return None
        return QuotaExceededError(
            f"{provider.name}: not asked, as your ZeroGPU quota is used up for {shared:.0f} s more "
            "(every ZeroGPU space shares it).",
            provider=provider.name,
            retry_after=shared,
            shared=True,
        )

    def resting(self, provider: Provider, token: str | None) -> float | None:
        """Seconds ``provider`` rests, as far as this memory knows without asking the Hub; None when it
        may be asked."""
        own = self.memory.remaining(provider.key)
        if own is not None:
            return own
        return self.memory.remaining(zerogpu_key(token)) if self._known_on_zerogpu(provider) else None

    def _is_on_zerogpu(self, provider: Provider, context: RunContext) -> bool:
        known = self._known_on_zerogpu(provider)
        if known is not None:
            return known
        return isinstance(provider, Space) and provider.on_zerogpu(context)

    def _known_on_zerogpu(self, provider: Provider) -> bool | None:
        """Whether the provider runs on ZeroGPU, as far as its errors and its own word say; None when
        only the Hub can."""
        return True if provider.key in self._on_zerogpu else provider.zerogpu


def _whole_seconds(wait: float | None) -> float | None:
    """A rest's time left, rounded up: what was announced (56 s) rather than what is left of it (55.9998 s)."""
    return None if wait is None else float(math.ceil(wait))
