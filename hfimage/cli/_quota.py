"""``hfimage quota``: the caller's ZeroGPU quota, from the Hub."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from ..client import Client
from ._codes import EXIT_OK


def add_command(commands: Any) -> None:
    parser = commands.add_parser(
        "quota",
        help="show your ZeroGPU quota: used, total, when it resets",
        description="Ask the Hugging Face Hub for your ZeroGPU quota (needs a token: HF_TOKEN, or `hf auth login`).",
    )
    parser.add_argument("--json", action="store_true", help="print it as JSON on stdout")
    parser.add_argument("--timeout", type=float, help="give up after this many seconds (default: 30)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with Client() as client:
        found = client.quota(timeout=args.timeout)
    if args.json:
        fields = dataclasses.asdict(found)
        fields["resets_at"] = found.resets_at.isoformat() if found.resets_at else None
        print(json.dumps({**fields, "left": found.left}))
    else:
        print(found)
    return EXIT_OK
