"""The ``hfimage`` command: ``hfimage PROMPT -o FILE``, ``hfimage models``, ``hfimage providers``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from ._catalog import CATALOG, find_model
from ._describe import describe
from ._health import check
from ._quota_memory import QuotaMemory, cache_file
from .client import Client
from .errors import (
    AllProvidersFailedError,
    ConnectionError,
    HFImageError,
    InvalidRequestError,
    QuotaExceededError,
    RateLimitError,
    TimeoutError,
)
from .providers import PROVIDERS, Provider
from .results import Image

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INVALID = 2
EXIT_QUOTA = 3
EXIT_PROVIDER = 4
EXIT_NETWORK = 5
EXIT_INTERRUPTED = 130

COMMANDS = ("generate", "models", "providers")

EPILOG = """exit codes: 0 success, 2 invalid input, 3 quota or rate limit, 4 provider failure,
5 network failure or timeout, 130 interrupted.
A Hugging Face token is read from HF_TOKEN; proxies from HTTPS_PROXY / HTTP_PROXY."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(_with_default_command(list(sys.argv[1:] if argv is None else argv)))
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except HFImageError as error:
        print(f"hfimage: error: {_one_line(str(error))}", file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        print("hfimage: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def exit_code(error: HFImageError) -> int:
    """The exit code for an error: it differs by cause."""
    if isinstance(error, AllProvidersFailedError):
        codes = {exit_code(attempt.error) for attempt in error.attempts if attempt.error is not None}
        return codes.pop() if len(codes) == 1 else EXIT_PROVIDER
    if isinstance(error, InvalidRequestError):
        return EXIT_INVALID
    if isinstance(error, (QuotaExceededError, RateLimitError)):
        return EXIT_QUOTA
    if isinstance(error, (ConnectionError, TimeoutError)):
        return EXIT_NETWORK
    return EXIT_PROVIDER


def _with_default_command(argv: list[str]) -> list[str]:
    """``generate`` is the default command: ``hfimage PROMPT`` means ``hfimage generate PROMPT``."""
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version")):
        return argv
    return ["generate", *argv]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hfimage",
        description="Turn a text prompt into an image with free Hugging Face Spaces.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hfimage {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="{generate,models,providers}")

    generate = commands.add_parser(
        "generate",
        help="generate an image (the default command)",
        description="Generate an image and save it. `hfimage PROMPT` is short for `hfimage generate PROMPT`.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    generate.add_argument("prompt", help="what the image should show; '-' reads it from standard input")
    generate.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("."),
        help="file or directory to save to (default: the current directory, named after the prompt)",
    )
    generate.add_argument("-m", "--model", help="model name or alias (default: flux); see `hfimage models`")
    generate.add_argument(
        "-p",
        "--provider",
        action="append",
        help="provider to use; repeat to give a fallback order (see `hfimage providers`)",
    )
    generate.add_argument("--url", help="point the provider at a copy of its space, e.g. http://127.0.0.1:7860")
    generate.add_argument("--seed", type=int, help="seed for a reproducible image (default: random)")
    generate.add_argument("--size", type=_size, metavar="WxH", help="image size in pixels, e.g. 1024x768")
    generate.add_argument("--aspect", metavar="RATIO", help="aspect ratio, e.g. 16:9 (when --size is not given)")
    generate.add_argument("--negative", metavar="TEXT", help="what the image should not show")
    generate.add_argument("--steps", type=int, help="number of inference steps")
    generate.add_argument("--guidance", type=float, help="guidance scale")
    generate.add_argument("--timeout", type=float, help="give up after this many seconds (default: 300)")
    generate.add_argument(
        "--protocol",
        choices=("auto", "queue", "call"),
        default="auto",
        help="Gradio route: the queue (live progress, real errors), the call route, or auto (default)",
    )
    generate.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    generate.set_defaults(handler=_generate)

    models = commands.add_parser("models", help="list models, their aliases and providers")
    models.set_defaults(handler=_models)
    providers = commands.add_parser(
        "providers",
        help="list providers; --check looks whether each is up",
        description="List providers and their models. With --check, ask each one now whether it answers "
        "(its Gradio version and latency), and show those resting after running out of GPU quota.",
    )
    providers.add_argument("--check", action="store_true", help="ask each provider now, with a short timeout")
    providers.add_argument("--timeout", type=float, default=10.0, help="seconds per provider for --check (default 10)")
    providers.set_defaults(handler=_providers)
    parser.set_defaults(handler=lambda _args: _usage(parser))
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_INVALID


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1024x768; got {text!r}")
    return int(width), int(height)


def _generate(args: argparse.Namespace) -> int:
    prompt = sys.stdin.read().strip() if args.prompt == "-" else args.prompt
    width, height = args.size or (None, None)
    with Client(timeout=args.timeout, protocol=args.protocol) as client:
        client._quota = QuotaMemory(cache_file())  # the command line remembers quota errors between runs
        final: Image | None = None
        for event in client.stream(
            prompt,
            model=args.model,
            provider=_chosen_providers(args),
            negative_prompt=args.negative,
            width=width,
            height=height,
            aspect_ratio=args.aspect,
            steps=args.steps,
            guidance_scale=args.guidance,
            seed=args.seed,
        ):
            if isinstance(event, Image):
                final = event
            elif not args.quiet and (line := describe(event)):
                print(line, file=sys.stderr)
        assert final is not None  # stream() ends with an Image or raises
        path = final.save(args.output)
    if not args.quiet:
        print(
            f"saved {path} ({final.width}x{final.height}, seed {final.seed}, {final.provider}, {final.elapsed:.1f} s)",
            file=sys.stderr,
        )
    print(path)
    return EXIT_OK


def _chosen_providers(args: argparse.Namespace) -> list[Provider] | None:
    names: list[str] | None = args.provider
    if args.url is None:
        return [_provider_class(name)() for name in names] if names else None
    if names is None:
        names = [find_model(args.model or "flux").providers[0]]
    if len(names) != 1:
        raise InvalidRequestError("--url points one provider at a copy of its space: give at most one --provider.")
    return [_provider_class(names[0])(url=args.url)]


def _provider_class(name: str) -> type[Provider]:
    if name not in PROVIDERS:
        raise InvalidRequestError(f"Unknown provider {name!r}. Known providers: {', '.join(PROVIDERS)}.")
    return PROVIDERS[name]


def _models(_args: argparse.Namespace) -> int:
    rows = [("MODEL", "ALIASES", "PROVIDERS (fallback order)")]
    rows += [(info.name, ", ".join(info.aliases) or "-", ", ".join(info.providers)) for info in CATALOG]
    _print_table(rows)
    return EXIT_OK


def _providers(args: argparse.Namespace) -> int:
    if not args.check:
        rows = [("PROVIDER", "MODELS", "URL")]
        rows += [(name, ", ".join(cls.models), cls.default_url) for name, cls in PROVIDERS.items()]
        _print_table(rows)
        return EXIT_OK
    cooling = QuotaMemory(cache_file()).cooling()
    table = [("PROVIDER", "STATUS", "GRADIO", "LATENCY", "QUOTA")]
    with Client() as client:
        for cls in PROVIDERS.values():
            provider = cls()
            health = check(provider, client._transport, timeout=args.timeout, token=client._token)
            rest = cooling.get(provider.key)
            table.append(
                (
                    health.provider,
                    health.detail if len(health.detail) <= 60 else health.detail[:59] + "…",
                    health.version or "-",
                    f"{health.latency * 1000:.0f} ms" if health.latency is not None else "-",
                    f"resting {rest:.0f} s" if rest else "ok",
                )
            )
    _print_table(table)
    return EXIT_OK


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _one_line(text: str) -> str:
    return " ".join(text.split())
