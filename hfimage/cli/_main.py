"""Parsing the command line and running a command; errors become one line and an exit code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .. import __version__
from ..errors import AllProvidersFailedError, HFImageError
from . import _batch, _generate, _inspect, _listing, _quota
from ._codes import EXIT_BUG, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, exit_code
from ._display import HelpFormatter

COMMANDS = ("generate", "batch", "inspect", "models", "providers", "quota")

EPILOG = """exit codes: 0 success, 1 a bug in hfimage, 2 invalid input, 3 quota or rate limit,
4 provider failure, 5 network failure or timeout, 130 interrupted.
A Hugging Face token is read from HF_TOKEN, else the file `hf auth login` wrote;
proxies from HTTPS_PROXY / HTTP_PROXY."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; every failure is one line on stderr (and, with --json, an object on stdout)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    if not arguments:
        parser.print_help()
        return EXIT_OK
    args = parser.parse_args(_with_default_command(arguments))
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except HFImageError as error:
        return _fail(args, error, exit_code(error))
    except KeyboardInterrupt:
        print("hfimage: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug must still end in one line, not a traceback
        bug = HFImageError(f"unexpected {type(exc).__name__}: {exc}. This is a bug in hfimage: please report it.")
        return _fail(args, bug, EXIT_BUG)


def _fail(args: argparse.Namespace, error: HFImageError, code: int) -> int:
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hfimage",
        description="Turn a text prompt into an image with free Hugging Face Spaces and ImageLabs.",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hfimage {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="{generate,batch,inspect,models,providers,quota}")
    _generate.add_command(commands, EPILOG)
    _batch.add_command(commands, EPILOG)
    _inspect.add_command(commands, EPILOG)
    _listing.add_commands(commands)
    _quota.add_command(commands)
    parser.set_defaults(handler=lambda _args: _usage(parser))
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_INVALID
