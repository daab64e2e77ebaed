"""What a protocol hands the client for each image it receives."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    """An image a provider sent: a preview, or the final one, with the seed it reported."""

    url: str
    seed: int | None
    final: bool
