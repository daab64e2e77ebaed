"""``hfimage inspect SPACE``: which endpoint hfimage would call, and what feeds each of the app's inputs."""

from __future__ import annotations

import argparse
import json

from ..client import Client
from ..providers import Space
from ._codes import EXIT_OK


def run(args: argparse.Namespace) -> int:
    space: str | Space = Space(args.space, endpoint=args.endpoint) if args.endpoint else args.space
    with Client() as client:
        description = client.inspect(space, timeout=args.timeout)
    print(json.dumps(description.to_dict()) if args.json else description)
    return EXIT_OK
