"""One line of text for each kind of event, for progress output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..results import Event, Image, Notice, Preview, Progress, Queued, Started, Status


def event_line(event: Event) -> str | None:
    """What the event says, in a few words, or None for kinds with nothing to show."""
    line = _LINES.get(type(event))
    return f"{event.provider}: {line(event)}" if line is not None else None


def _count(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _queued(event: Queued) -> str:
    place = "next in line" if event.rank == 0 else f"position {_count(event.rank)} of {_count(event.queue_size)}"
    return f"queued, {place}" + (f", about {event.eta:.0f} s" if event.eta else "")


def _progress(event: Progress) -> str:
    done = f"{_count(event.index)}/{_count(event.total)}" if event.total else _count(event.index)
    return f"{event.description or 'progress'} {done} {event.unit or ''}".rstrip()


_LINES: dict[type, Callable[[Any], str]] = {
    Queued: _queued,
    Started: lambda event: "running",
    Progress: _progress,
    Notice: lambda event: event.message,
    Status: lambda event: event.status,
    Preview: lambda event: "preview",
    Image: lambda event: "done",
}
