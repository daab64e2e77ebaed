"""Progress on stderr: one line rewritten in place on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """Shows the latest state of a run; ``live`` (default: stderr is a terminal) rewrites one line."""

    def __init__(self, *, quiet: bool = False, stream: TextIO | None = None, live: bool | None = None) -> None:
        self._stream = stream or sys.stderr
        self._quiet = quiet
        self._live = self._stream.isatty() if live is None else live
        self._last = ""
        self._started = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def show(self, text: str) -> None:
        """Show the current state, with the time elapsed."""
        if self._quiet or text == self._last:
            return
        self._last = text
        line = f"[{self.elapsed:5.1f}s] {text}"
        if self._live:
            self._stream.write(f"\r\x1b[K{line}")
        else:
            self._stream.write(f"{line}\n")
        self._stream.flush()

    def say(self, text: str) -> None:
        """A line that stays: ends the live line first."""
        if self._quiet:
            return
        self.end()
        self._stream.write(f"{text}\n")
        self._stream.flush()

    def end(self) -> None:
        if self._live and self._last:
            self._stream.write("\n")
            self._stream.flush()
        self._last = ""
