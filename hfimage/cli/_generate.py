"""``hfimage [generate] PROMPT``: one image, with its progress on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .._core.imagetype import EXTENSIONS
from ..errors import MissingExtraError, ProtocolError
from ..results import Image, Preview
from ._codes import EXIT_OK
from ._display import HelpFormatter, ProgressLine
from ._options import add_generation_options, command_line_client, generation_params
from ._paths import output_folder, output_path
from .describe import describe


def add_command(commands: Any, epilog: str) -> None:
    parser = commands.add_parser(
        "generate",
        help="generate an image (the default command)",
        description="Generate an image and save it. `hfimage PROMPT` is short for `hfimage generate PROMPT`.",
        epilog=epilog,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("prompt", help="what the image should show; '-' reads it from standard input")
    parser.add_argument(
        "-o", "--output", default=".",
        help="file, or folder (an existing one, or a name ending with /) to save into, named after the prompt "
        "(default: the current folder)",
    )  # fmt: skip
    parser.add_argument("--previews", metavar="DIR", help="also keep each preview, in this folder")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    add_generation_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    prompt = sys.stdin.read().strip() if args.prompt == "-" else args.prompt
    params = generation_params(args)  # checks the options before any path is looked at
    output = output_path(args.output, parents=args.parents)
    preview_folder = output_folder(args.previews, parents=args.parents) if args.previews is not None else None
    progress = ProgressLine(quiet=args.quiet)
    previews = 0
    final: Image | None = None
    path: Path | None = None
    with command_line_client(args) as client:
        events = client.stream(prompt, **params)
        try:
            with progress.waiting("waiting for the first answer"):
                for event in events:
                    if isinstance(event, Image):  # saved within the call's timeout
                        final = event
                        progress.show(f"{final.provider}: downloading")
                        path = _save(final, output, progress)
                        continue
                    if isinstance(event, Preview):
                        previews += 1
                        if preview_folder is not None:
                            event.save(preview_folder / f"preview-{previews:03d}")
                    line = describe(event)
                    if line is not None:
                        progress.show(line if not isinstance(event, Preview) else f"{line} {previews}")
        finally:
            progress.end()
    if final is None or path is None:  # stream() ends with an Image or raises; this guards the contract
        raise ProtocolError("The call ended without an image.")
    progress.say(
        f"saved {path} ({final.width}x{final.height}, seed {final.seed}, {final.provider}, {final.elapsed:.1f} s)"
    )
    print(json.dumps(_result(final, path)) if args.json else path)
    return EXIT_OK


def _save(image: Image, output: str, progress: ProgressLine) -> Path:
    """Save where asked; if that needs a conversion and Pillow is missing, keep the image's own type.

    The image has cost a generation (and maybe GPU quota), so it is kept either way.
    """
    try:
        return image.save(output)
    except MissingExtraError as error:
        path = image.save(Path(output).with_name(Path(output).stem + EXTENSIONS[image.mime_type]))
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
