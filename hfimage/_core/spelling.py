"""How messages name what the user can change: as Python keywords, or as the command line's options.

A message says "pass a larger timeout=" to a script and "pass a larger --timeout" to a shell,
so each message names parameters through ``option()`` and advice through ``advice()``. The
command line uses its words while it runs (its worker threads too); a script that runs it in
its own process gets Python's words back when it returns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_OPTIONS = {
    "negative_prompt": "--negative",
    "aspect_ratio": "--aspect",
    "guidance_scale": "--guidance",
    "steps": "--steps",
    "seed": "--seed",
    "width": "--size",
    "height": "--size",
    "timeout": "--timeout",
    "model": "--model",
    "space": "--space",
    "provider": "--provider",
    "endpoint": "--endpoint",
    "image": "--image",
    "credits": "--credits",
}
"""Each parameter's option on the command line."""

_command_line = False


@contextlib.contextmanager
def command_line_words() -> Iterator[None]:
    """While inside, messages name the command line's options (``hfimage``'s main runs inside)."""
    global _command_line  # noqa: PLW0603 - one switch for the process, which its worker threads see too
    before, _command_line = _command_line, True
    try:
        yield
    finally:
        _command_line = before


def option(name: str) -> str:
    """How a message names the parameter ``name``: ``negative_prompt`` in Python, ``--negative`` on the
    command line."""
    return _OPTIONS.get(name, name) if _command_line else name


def options(names: list[str] | tuple[str, ...]) -> str:
    """Several parameters as a message names them, each once, in order."""
    return ", ".join(dict.fromkeys(option(name) for name in names))


def advice(python: str, command_line: str) -> str:
    """The advice fit for where the user is: a script (``python``) or a shell (``command_line``)."""
    return command_line if _command_line else python
