"""``hfimage [generate] PROMPT``: one image, with its progress on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .._describe import describe
from .._imagetype import EXTENSIONS
from ..errors import MissingExtraError
from ..results import Image, Preview
from ._codes import EXIT_OK
from ._display import ProgressLine
from ._options import add_generation_options, command_line_client, generation_params


def add_command(commands: Any, epilog: str) -> None:
    parser = commands.add_parser(
        "generate",
        help="generate an image (the default command)",
        description="Generate an image and save it. `hfimage PROMPT` is short for `hfimage generate PROMPT`.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("prompt", help="what the image should show; '-' reads it from standard input")
    parser.add_argument(
        "-o", "--output", type=Path, default=Path("."),
        help="file or directory to save to (default: the current directory, named after the prompt)",
    )  # fmt: skip
    parser.add_argument("--previews", type=Path, metavar="DIR", help="also keep each preview, in this directory")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    add_generation_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    prompt = sys.stdin.read().strip() if args.prompt == "-" else args.prompt
    progress = ProgressLine(quiet=args.quiet)
    previews = 0
    with command_line_client(args) as client:
        final: Image | None = None
        try:
            for event in client.stream(prompt, **generation_params(args)):
                if isinstance(event, Image):
                    final = event
                    continue
                if isinstance(event, Preview):
                    previews += 1
                    if args.previews is not None:
                        event.save(args.previews / f"preview-{previews:03d}")
                line = describe(event)
                if line is not None:
                    progress.show(line if not isinstance(event, Preview) else f"{line} {previews}")
        finally:
            progress.end()
        assert final is not None  # stream() ends with an Image or raises
        progress.show(f"{final.provider}: downloading")
        path = _save(final, args.output, progress)
        progress.end()
    progress.say(
        f"saved {path} ({final.width}x{final.height}, seed {final.seed}, {final.provider}, {final.elapsed:.1f} s)"
    )
    print(json.dumps(_result(final, path)) if args.json else path)
    return EXIT_OK


def _save(image: Image, output: Path, progress: ProgressLine) -> Path:
    """Save where asked; if that needs a conversion and Pillow is missing, keep the image's own type.

    The image has cost a generation (and maybe GPU quota), so it is kept either way.
    """
    try:
        return image.save(output)
    except MissingExtraError as error:
        path = image.save(output.with_name(output.stem + EXTENSIONS[image.mime_type]))
        progress.say(f"note: {error}; saved {path} instead")
        return path


def _result(image: Image, path: Path) -> dict[str, Any]:
    return {
        "path": str(path),
        "url": image.url,
        "seed": image.seed,
        "provider": image.provider,
        "model": image.model,
        "width": image.width,
        "height": image.height,
        "elapsed": round(image.elapsed, 3),
        "attempts": [
            {"provider": attempt.provider, "error": None if attempt.error is None else str(attempt.error)}
            for attempt in image.attempts
        ],
    }
