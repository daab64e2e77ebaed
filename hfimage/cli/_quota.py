"""``hfimage quota``: the caller's ZeroGPU quota, from the Hub."""

from __future__ import annotations

import argparse
import dataclasses
import json

from ..client import Client
from ..errors import InvalidRequestError
from ._codes import EXIT_OK


def run(args: argparse.Namespace) -> int:
    with Client() as client:
        if client.token_source is None:
            raise InvalidRequestError(
                "The ZeroGPU quota belongs to a Hugging Face account: give a token (set HF_TOKEN, or run "
                "`hf auth login`) to see it. Without one, calls share the anonymous quota of your address."
            )
        found = client.quota(timeout=args.timeout)
    if args.json:
        fields = dataclasses.asdict(found)
        fields["resets_at"] = found.resets_at.isoformat() if found.resets_at else None
        print(json.dumps({**fields, "left": found.left}))
    else:
        print(found)
    return EXIT_OK
