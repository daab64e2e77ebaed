"""The ``hfimage`` command line.

``main`` imports the rest only once it runs, inside its own handling of Ctrl-C, so that an
interruption at any moment ends in one line and exit code 130, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ._codes import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_NETWORK, EXIT_OK, EXIT_PROVIDER, EXIT_QUOTA, exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hfimage`` with ``argv`` (default: the process's arguments); returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        from ._main import main as run  # noqa: PLC0415 - inside the Ctrl-C handling below

        return run(arguments)
    except KeyboardInterrupt:
        print("hfimage: interrupted", file=sys.stderr)
        if "--json" in arguments:
            print(f'{{"error": "KeyboardInterrupt", "message": "interrupted", "exit_code": {EXIT_INTERRUPTED}}}')
        return EXIT_INTERRUPTED


__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_PROVIDER",
    "EXIT_QUOTA",
    "exit_code",
    "main",
]
