"""Progress on stderr: one line rewritten in place on a terminal, plain lines elsewhere."""

from __future__ import annotations

import argparse
import contextlib
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

TICK_SECONDS = 1.0


class ProgressLine:
    """Shows the latest state of a run; ``live`` (default: stderr is a terminal) rewrites one line."""

    def __init__(
        self,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        live: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream or sys.stderr
        self._quiet = quiet
        self._live = self._stream.isatty() if live is None else live
        self._last = ""
        self._clock = clock
        self._started = clock()
        self._lock = threading.RLock()  # the waiting clock writes from its own thread

    @property
    def elapsed(self) -> float:
        return self._clock() - self._started

    def show(self, text: str) -> None:
        """Show the current state, with the time elapsed."""
        with self._lock:
            if self._quiet or text == self._last:
                return
            self._last = text
            line = f"[{self.elapsed:5.1f}s] {text}"
            self._stream.write(f"\r\x1b[K{line}" if self._live else f"{line}\n")
            self._stream.flush()

    def say(self, text: str) -> None:
        """A line that stays: ends the live line first."""
        if self._quiet:
            return
        with self._lock:
            self.end()
            self._stream.write(f"{text}\n")
            self._stream.flush()

    @contextlib.contextmanager
    def waiting(self, text: str) -> Iterator[None]:
        """Show ``text`` now and, on a terminal, keep the clock of whatever line is shown running while inside
        (a state such as "running" can last long)."""
        self.show(text)
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(TICK_SECONDS):
                with self._lock:
                    shown, self._last = self._last, ""
                    if shown:
                        self.show(shown)

        ticker = threading.Thread(target=tick, name="hfimage-progress", daemon=True) if self._live else None
        if ticker is not None:
            ticker.start()
        try:
            yield
        finally:
            stop.set()
            if ticker is not None:
                ticker.join()

    def end(self) -> None:
        if self._live and self._last:
            self._stream.write("\n")
            self._stream.flush()
        self._last = ""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Wraps descriptions and epilogs to the terminal, paragraph by paragraph, keeping their line breaks."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = text.splitlines()
        return "\n".join(textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent) or indent
                         for line in lines)  # fmt: skip
