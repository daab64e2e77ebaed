"""The command line's commands and options, without what runs them.

Each command names the function that runs it (``module:function``), which is imported only
when that command runs: ``hfimage --version``, ``--help`` and a bad option load none of the
client, and each command loads what it uses.
"""

from __future__ import annotations

import argparse
from typing import Any

from .. import __version__
from .._core.catalog import DEFAULT_CHAIN, DEFAULT_EDIT_CHAIN
from ._display import HelpFormatter

COMMANDS = ("generate", "batch", "inspect", "models", "providers", "quota")

EPILOG = """exit codes: 0 success, 1 a bug in hfimage, 2 invalid input, 3 quota or rate limit,
4 provider failure, 5 network failure or timeout, 130 interrupted.
A Hugging Face token is read from HF_TOKEN, else the file `hf auth login` wrote;
proxies from HTTPS_PROXY / HTTP_PROXY."""


def parser() -> argparse.ArgumentParser:
    """The whole command line: ``hfimage [COMMAND] ...``."""
    main = argparse.ArgumentParser(
        prog="hfimage",
        description="Turn a text prompt into an image with free Hugging Face Spaces and ImageLabs.",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    main.add_argument("--version", action="version", version=f"hfimage {__version__}")
    commands = main.add_subparsers(title="commands", metavar="{" + ",".join(COMMANDS) + "}")
    _generate(commands)
    _batch(commands)
    _inspect(commands)
    commands.add_parser("models", help="list models, their aliases and providers").set_defaults(
        run="_listing:list_models"
    )
    _providers(commands)
    _quota(commands)
    main.set_defaults(run=None)
    return main


def _command(commands: Any, name: str, run: str, **texts: str) -> argparse.ArgumentParser:
    """A command that runs ``run`` (``module:function``), its help with the exit codes and the token's source."""
    parser: argparse.ArgumentParser = commands.add_parser(name, epilog=EPILOG, formatter_class=HelpFormatter, **texts)
    parser.set_defaults(run=run)
    return parser


def _generate(commands: Any) -> None:
    parser = _command(
        commands,
        "generate",
        "_generate:run",
        help="generate an image (the default command)",
        description="Generate an image and save it. `hfimage PROMPT` is short for `hfimage generate PROMPT`.",
    )
    parser.add_argument("prompt", help="what the image should show; '-' reads it from standard input")
    parser.add_argument(
        "-o", "--output", default=".",
        help="file (.png, .jpg, .webp, .gif, or no suffix: the image's own type), or folder (an existing one, "
        "or a name ending with /) to save into, named after the prompt (default: the current folder); "
        "'-' writes the image to standard output",
    )  # fmt: skip
    parser.add_argument("--previews", metavar="DIR", help="also keep each preview, in this folder")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    generation_options(parser)


def _batch(commands: Any) -> None:
    parser = _command(
        commands,
        "batch",
        "_batch:run",
        help="generate one image per line of a file",
        description="Generate one image per prompt (one per line; blank lines and lines starting with # are "
        "skipped, and a prompt given twice is made once). Each image is saved as DIR/<prompt>-<hash>.<type>; "
        "prompts whose file is already there are skipped, so an interrupted batch can be run again to finish it.",
    )
    parser.add_argument("prompts", help="file of prompts, one per line; '-' reads standard input")
    parser.add_argument("-o", "--output", default=".", help="folder for the images (default: the current one)")
    parser.add_argument("-c", "--concurrency", type=int, default=4, help="images made at once (default 4)")
    generation_options(parser)


def _inspect(commands: Any) -> None:
    parser = _command(
        commands,
        "inspect",
        "_inspect:run",
        help="show how hfimage would drive a Gradio space",
        description="Read a Gradio space's description (no job is run) and show the endpoint hfimage would "
        "call, each of the app's inputs with its type, default and limits or choices, and which hfimage "
        "parameter feeds it; then which parameters it takes and which it cannot.",
    )
    parser.add_argument(
        "space", help="a space id (owner/name), a space's URL, a built-in provider's name, or a model's name"
    )
    parser.add_argument("--endpoint", help="describe this API endpoint instead of the one hfimage would choose")
    parser.add_argument("--timeout", type=seconds, help="give up after this many seconds (default: 30)")
    parser.add_argument("--json", action="store_true", help="print the description as JSON on stdout")


def _providers(commands: Any) -> None:
    parser = commands.add_parser(
        "providers",
        help="list providers; --check looks whether each is up",
        description="List providers and their models. With --check, ask each one now whether it answers "
        "(its Gradio version and latency): the built-in providers and the spaces of the default chain "
        f"({', '.join(DEFAULT_CHAIN)}); show those resting after running out of GPU quota. All are asked at "
        "once, and each row is printed as its answer comes.",
    )
    parser.add_argument("--check", action="store_true", help="ask each provider now, with a short timeout")
    parser.add_argument(
        "--credits", action="store_true",
        help="with --check: also list the live Inference Providers of the default models (what --credits would use)",
    )  # fmt: skip
    parser.add_argument(
        "--timeout", type=seconds, default=10.0, help="seconds to wait for the answers to --check (default 10)"
    )
    parser.set_defaults(run="_listing:list_providers")


def _quota(commands: Any) -> None:
    parser = commands.add_parser(
        "quota",
        help="show your ZeroGPU quota: used, total, when it resets",
        description="Ask the Hugging Face Hub for your ZeroGPU quota (needs a token: HF_TOKEN, or `hf auth login`).",
    )
    parser.add_argument("--json", action="store_true", help="print it as JSON on stdout")
    parser.add_argument("--timeout", type=seconds, help="give up after this many seconds (default: 30)")
    parser.set_defaults(run="_quota:run")


def generation_options(parser: argparse.ArgumentParser) -> None:
    """The options that mirror ``generate()``'s parameters, shared by ``generate`` and ``batch``."""
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
    parser.add_argument(
        "-i", "--image", action="append", metavar="PATH_OR_URL",
        help="an image to edit (a file or an http(s) URL); repeat for apps that take several. Without --model, "
        f"an editing model: {', '.join(DEFAULT_EDIT_CHAIN)}",
    )  # fmt: skip
    parser.add_argument(
        "--credits", nargs="?", const=True, metavar="PROVIDER",
        help="when the free spaces fail, run the model on Inference Providers with your token's credits (any "
        "live provider, or only PROVIDER, e.g. fal-ai); never without this option",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, help="seed for a reproducible image (default: random)")
    parser.add_argument("--size", type=_size, metavar="WxH", help="image size in pixels, e.g. 1024x768")
    parser.add_argument("--aspect", metavar="RATIO", help="aspect ratio, e.g. 16:9 (when --size is not given)")
    parser.add_argument("--negative", metavar="TEXT", help="what the image should not show")
    parser.add_argument("--steps", type=int, help="number of inference steps")
    parser.add_argument("--guidance", type=float, help="guidance scale")
    parser.add_argument("--timeout", type=seconds, help="give up on an image after this many seconds (default: 300)")
    parser.add_argument(
        "--protocol", choices=("auto", "queue", "call"), default="auto",
        help="Gradio route: the queue (live progress, real errors), the call route, or auto (default)",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors and the result")
    parser.add_argument("--parents", action="store_true", help="create missing folders in the output path")


def seconds(text: str) -> float:
    """A positive, finite number of seconds, for ``--timeout``."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, e.g. 60; got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, e.g. 60; got {text!r}")
    return value


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1024x768; got {text!r}")
    return int(width), int(height)
