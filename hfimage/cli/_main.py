"""Parsing the command line and running a command; errors become one line and an exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .. import __version__
from ..errors import HFImageError
from . import _batch, _generate, _listing
from ._codes import EXIT_INTERRUPTED, EXIT_INVALID, exit_code

COMMANDS = ("generate", "batch", "models", "providers")

EPILOG = """exit codes: 0 success, 2 invalid input, 3 quota or rate limit, 4 provider failure,
5 network failure or timeout, 130 interrupted.
A Hugging Face token is read from HF_TOKEN; proxies from HTTPS_PROXY / HTTP_PROXY."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(_with_default_command(list(sys.argv[1:] if argv is None else argv)))
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except HFImageError as error:
        print(f"hfimage: error: {' '.join(str(error).split())}", file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        print("hfimage: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _with_default_command(argv: list[str]) -> list[str]:
    """``generate`` is the default command: ``hfimage PROMPT`` means ``hfimage generate PROMPT``."""
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    return ["generate", *argv]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hfimage",
        description="Turn a text prompt into an image with free Hugging Face Spaces and ImageLabs.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hfimage {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="{generate,batch,models,providers}")
    _generate.add_command(commands, EPILOG)
    _batch.add_command(commands, EPILOG)
    _listing.add_commands(commands)
    parser.set_defaults(handler=lambda _args: _usage(parser))
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_INVALID
