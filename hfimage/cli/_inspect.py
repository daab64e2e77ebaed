"""``hfimage inspect SPACE``: which endpoint hfimage would call, and what feeds each of the app's inputs."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..client import Client
from ..providers import Space
from ._codes import EXIT_OK
from ._display import HelpFormatter


def add_command(commands: Any, epilog: str) -> None:
    parser = commands.add_parser(
        "inspect",
        help="show how hfimage would drive a Gradio space",
        description="Read a Gradio space's description (no job is run) and show the endpoint hfimage would "
        "call, each of the app's inputs with its type, default and limits or choices, and which hfimage "
        "parameter feeds it; then which parameters it takes and which it cannot.",
        epilog=epilog,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "space", help="a space id (owner/name), a space's URL, a built-in provider's name, or a model's name"
    )
    parser.add_argument("--endpoint", help="describe this API endpoint instead of the one hfimage would choose")
    parser.add_argument("--timeout", type=float, help="give up after this many seconds (default: 30)")
    parser.add_argument("--json", action="store_true", help="print the description as JSON on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    space: str | Space = Space(args.space, endpoint=args.endpoint) if args.endpoint else args.space
    with Client() as client:
        description = client.inspect(space, timeout=args.timeout)
    print(json.dumps(description.to_dict()) if args.json else description)
    return EXIT_OK
