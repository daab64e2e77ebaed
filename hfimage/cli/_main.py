"""Running a command; errors become one line and an exit code."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from typing import Any

from .._core.spelling import command_line_words
from ..errors import AllProvidersFailedError, HFImageError
from ._codes import EXIT_BUG, EXIT_INVALID, EXIT_OK, exit_code
from ._parsers import COMMANDS, parser


def main(arguments: list[str]) -> int:
    """Run the command line; every failure is one line on stderr (and, with --json, an object on stdout)."""
    with command_line_words():
        return _run(arguments)


def _run(arguments: list[str]) -> int:
    whole = parser()
    if not arguments:
        whole.print_help()
        return EXIT_OK
    args = whole.parse_args(_with_default_command(arguments))
    if args.run is None:
        whole.print_help(sys.stderr)
        return EXIT_INVALID
    try:
        return _runner(args.run)(args)
    except HFImageError as error:
        return fail(args, error, exit_code(error))
    except Exception as exc:  # noqa: BLE001 - a bug must still end in one line, not a traceback
        bug = HFImageError(f"unexpected {type(exc).__name__}: {exc}. This is a bug in hfimage: please report it.")
        return fail(args, bug, EXIT_BUG)


def _runner(name: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs a command (``module:function`` in this package), imported now."""
    module, _, function = name.partition(":")
    runner: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(f".{module}", __package__), function)
    return runner


def fail(args: argparse.Namespace, error: HFImageError, code: int) -> int:
    print(f"hfimage: error: {' '.join(str(error).split())}", file=sys.stderr)
    if getattr(args, "json", False):
        print(json.dumps(error_json(error, code)))
    return code


def error_json(error: HFImageError, code: int) -> dict[str, Any]:
    """An error as ``--json`` prints it: its kind, message, exit code and the facts it carries."""
    facts = {name: value for name, value in vars(error).items() if name not in ("message", "attempts")}
    result: dict[str, Any] = {"error": type(error).__name__, "message": str(error), "exit_code": code, **facts}
    if isinstance(error, AllProvidersFailedError):
        result["attempts"] = [
            {"provider": attempt.provider, "error": type(attempt.error).__name__ if attempt.error else None,
             "message": str(attempt.error) if attempt.error else None}
            for attempt in error.attempts
        ]  # fmt: skip
    return {name: value for name, value in result.items() if _is_json(value)}


def _is_json(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, dict))


def _with_default_command(argv: list[str]) -> list[str]:
    """``generate`` is the default command: ``hfimage PROMPT`` means ``hfimage generate PROMPT``."""
    if argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version"):
        return argv
    return ["generate", *argv]
