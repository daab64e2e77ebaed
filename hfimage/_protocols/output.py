"""What a protocol hands the client for each image it receives, and the rule for previews."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from ..errors import HFImageError

Item = TypeVar("Item")


@dataclass(frozen=True)
class Output:
    """An image a provider sent: a preview, or the final one, with the seed it reported."""

    url: str
    seed: int | None
    final: bool
    width: int | None = None
    height: int | None = None
    """The size the provider says it made, where it knows better than the request."""
    content: bytes | None = dataclasses.field(default=None, repr=False)
    """The image's bytes, when the provider sent them with its answer (nothing to download)."""
    provider: str | None = None
    """Who made it, when not the provider that ran (one of the providers behind a router)."""


@dataclass(frozen=True)
class Failed:
    """A provider behind another (one the router reaches) that failed: recorded, and the next tried."""

    provider: str
    error: HFImageError


class PreviewHold:
    """Holds each preview back until the next event shows it was not the final image.

    A Gradio generator sends its final image twice: as its last intermediate output and again
    as the result. So a preview is released only when another preview, a heartbeat, or a
    different final image follows it.
    """

    def __init__(self) -> None:
        self._held: Output | None = None

    def preview(self, url: str | None, seed: int | None) -> Iterator[Output]:
        yield from self.release()
        self._held = Output(url, seed, final=False) if url is not None else None

    def release(self) -> Iterator[Output]:
        if self._held is not None:
            yield self._held
            self._held = None

    def final(self, url: str, seed: int | None) -> Iterator[Output]:
        if self._held is not None and self._held.url != url:
            yield self._held
        self._held = None
        yield Output(url, seed, final=True)


def finishing(items: Iterator[Item], finish: Callable[[], object]) -> Iterator[Item]:
    """Pass ``items`` on, calling ``finish`` (which ends the stream) just before the final image."""
    for item in items:
        if isinstance(item, Output) and item.final:
            finish()
        yield item


def sized(items: Iterator[Item], width: int | None, height: int | None, seed: int | None) -> Iterator[Item]:
    """Pass ``items`` on, each image with the size the request amounts to, and ``seed`` where the
    provider reported none."""
    for item in items:
        if isinstance(item, Output):
            reported = item.seed if item.seed is not None else seed
            yield dataclasses.replace(item, seed=reported, width=width, height=height)
        else:
            yield item
