"""The options that mirror ``generate()``'s parameters, shared by ``generate`` and ``batch``."""

from __future__ import annotations

import argparse

from .._core.catalog import DEFAULT_CHAIN, find_model
from .._core.quota_memory import QuotaMemory, cache_file
from ..client import Client, GenerateParams
from ..errors import InvalidRequestError
from ..providers import PROVIDERS, Provider, provider_for


def add_generation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-m", "--model",
        help=f"model name or alias (default: the first that works of {', '.join(DEFAULT_CHAIN)}); see `hfimage models`",
    )  # fmt: skip
    parser.add_argument(
        "-p", "--provider", action="append",
        help="provider or space to use; repeat to give a fallback order (see `hfimage providers`)",
    )  # fmt: skip
    parser.add_argument(
        "-s", "--space", action="append",
        help="a Gradio space by id (owner/name) or URL; repeat to give a fallback order (see `hfimage inspect`)",
    )  # fmt: skip
    parser.add_argument("--url", help="point the provider at a copy of its space, e.g. http://127.0.0.1:7860")
    parser.add_argument("--seed", type=int, help="seed for a reproducible image (default: random)")
    parser.add_argument("--size", type=_size, metavar="WxH", help="image size in pixels, e.g. 1024x768")
    parser.add_argument("--aspect", metavar="RATIO", help="aspect ratio, e.g. 16:9 (when --size is not given)")
    parser.add_argument("--negative", metavar="TEXT", help="what the image should not show")
    parser.add_argument("--steps", type=int, help="number of inference steps")
    parser.add_argument("--guidance", type=float, help="guidance scale")
    parser.add_argument("--timeout", type=float, help="give up on an image after this many seconds (default: 300)")
    parser.add_argument(
        "--protocol", choices=("auto", "queue", "call"), default="auto",
        help="Gradio route: the queue (live progress, real errors), the call route, or auto (default)",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors and the result")
    parser.add_argument("--parents", action="store_true", help="create missing folders in the output path")


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
    )


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1024x768; got {text!r}")
    return int(width), int(height)


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
