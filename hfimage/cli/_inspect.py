"""``hfimage inspect SPACE``: which endpoint hfimage would call, and what feeds each of the app's inputs;
for a model (by name or repository), the Inference Providers ``--credits`` would use too."""

from __future__ import annotations

import argparse
import json

from .._core.catalog import find_model
from ..client import Client
from ..errors import HFImageError, InvalidRequestError
from ..providers import Space
from ..providers.credits import ROUTER_PROVIDERS, ProviderMapping
from ._codes import EXIT_OK


def run(args: argparse.Namespace) -> int:
    space: str | Space = Space(args.space, endpoint=args.endpoint) if args.endpoint else args.space
    with Client() as client:
        mapping = _mapping(client, args.space, args.timeout) if not args.endpoint else None
        try:
            description = client.inspect(space, timeout=args.timeout)
        except HFImageError:
            if not mapping:
                raise
            description = None  # a model repository that is not a space: its providers say it all
    if args.json:
        found = {"providers": [entry.__dict__ for entry in mapping]} if mapping is not None else {}
        print(json.dumps({**(description.to_dict() if description else {}), **found}))
        return EXIT_OK
    if description is not None:
        print(description)
    if mapping is not None:
        print(_lines(args.space, mapping) if description is not None else _lines(args.space, mapping).lstrip("\n"))
    return EXIT_OK


def _mapping(client: Client, name: str, timeout: float | None) -> tuple[ProviderMapping, ...] | None:
    """The Inference Providers of ``name`` when it names a model the Hub knows; None otherwise."""
    if "/" not in name:
        try:
            find_model(name)
        except InvalidRequestError:
            return None
    try:
        return client.inference_providers(name, timeout=timeout)
    except HFImageError:
        return None  # not a model (a space's id, most likely): the space's description follows


def _cannot(entry: ProviderMapping) -> str:
    if entry.provider not in ROUTER_PROVIDERS:
        return "  (hfimage cannot call it)"
    return f"  (a {entry.adapter} adapter: hfimage cannot call it)" if entry.adapter else ""


def _lines(name: str, mapping: tuple[ProviderMapping, ...]) -> str:
    if not mapping:
        return f"\nInference Providers (--credits): none serves {name}."
    rows = [
        f"  {entry.provider:<14} {entry.status or '?':<8} {entry.task or '?':<16} {entry.provider_id}"
        + ("" if entry.provider in ROUTER_PROVIDERS else "  (hfimage cannot call it)")
        for entry in mapping
    ]
    usable = [entry.provider for entry in mapping if entry.makes_images and entry.provider in ROUTER_PROVIDERS]
    tried = ", ".join(usable) if usable else "none (no live text-to-image provider hfimage can call)"
    return "\n".join(["", f"Inference Providers (--credits), in your order of preference: {tried}", *rows])
