"""The options that mirror ``generate()``'s parameters, shared by ``generate`` and ``batch``."""

from __future__ import annotations

import argparse

from .._core.catalog import DEFAULT_CHAIN, find_model
from .._core.quota_memory import QuotaMemory, cache_file
from ..client import Client
from ..errors import InvalidRequestError
from ..parameters import GenerateParams
from ..providers import PROVIDERS, Provider, provider_for


def generation_params(args: argparse.Namespace) -> GenerateParams:
    """The keyword arguments for ``generate()`` that the options give; InvalidRequestError for a bad mix."""
    if args.size is not None and args.aspect is not None:
        raise InvalidRequestError(
            "Give --size or --aspect, not both: --size sets the exact size, --aspect picks one for a ratio."
        )
    width, height = args.size or (None, None)
    return GenerateParams(
        model=args.model,
        provider=_chosen_providers(args),
        space=args.space,
        negative_prompt=args.negative,
        width=width,
        height=height,
        aspect_ratio=args.aspect,
        steps=args.steps,
        guidance_scale=args.guidance,
        seed=args.seed,
        image=args.image,
        credits=args.credits,
    )


def _chosen_providers(args: argparse.Namespace) -> list[Provider] | None:
    names: list[str] | None = args.provider
    if args.url is None:
        return [provider_for(name) for name in names] if names else None
    if names is None:
        names = [find_model(args.model or DEFAULT_CHAIN[0]).providers[0]]
    if len(names) != 1:
        raise InvalidRequestError("--url points one provider at a copy of its space: give at most one --provider.")
    return [_provider_class(names[0])(url=args.url)]


def _provider_class(name: str) -> type[Provider]:
    if name not in PROVIDERS:
        raise InvalidRequestError(
            f"--url points a built-in provider at a copy of its space; {name!r} is not one "
            f"({', '.join(PROVIDERS)}). For any other space, give its URL with --space."
        )
    return PROVIDERS[name]


def command_line_client(args: argparse.Namespace) -> Client:
    """A client for the options, remembering quota errors between runs of the command."""
    return Client(timeout=args.timeout, protocol=args.protocol, quota=QuotaMemory(cache_file()))
