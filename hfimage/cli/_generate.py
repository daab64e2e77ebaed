"""``hfimage [generate] PROMPT``: one image, with its progress on stderr."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .._core.imagetype import EXTENSIONS
from ..errors import InvalidRequestError, MissingExtraError, ProtocolError
from ..results import Image, Preview
from ._codes import EXIT_OK
from ._display import ProgressLine
from ._event_lines import event_line
from ._options import command_line_client, generation_params
from ._paths import STDOUT, output_folder, output_path


def run(args: argparse.Namespace) -> int:
    prompt = read_prompt(args.prompt)
    params = generation_params(args)  # checks the options before any path is looked at
    to_stdout = args.output == STDOUT
    if to_stdout:
        check_stdout(as_json=args.json)
    output = STDOUT if to_stdout else output_path(args.output, parents=args.parents)
    preview_folder = (
        output_folder(args.previews, parents=args.parents, option="--previews", purpose="--previews")
        if args.previews is not None
        else None
    )
    progress = ProgressLine(quiet=args.quiet)
    previews = 0
    final: Image | None = None
    where = ""
    with command_line_client(args) as client:
        events = client.stream(prompt, **params)
        try:
            with progress.waiting("waiting for the first answer"):
                for event in events:
                    if isinstance(event, Image):  # saved within the call's timeout
                        final = event
                        progress.show(f"{final.provider}: downloading")
                        where = _write(final, output, parents=args.parents, progress=progress)
                        continue
                    if isinstance(event, Preview):
                        previews += 1
                        if preview_folder is not None:
                            event.save(preview_folder / f"preview-{previews:03d}", parents=True)
                    line = event_line(event)
                    if line is not None:
                        progress.show(line if not isinstance(event, Preview) else f"{line} {previews}")
        finally:
            progress.end()
    if final is None:  # stream() ends with an Image or raises; this guards the contract
        raise ProtocolError("The call ended without an image.")
    progress.say(
        f"saved {where} ({final.width}x{final.height}, seed {final.seed}, {final.provider}, {final.elapsed:.1f} s)"
    )
    if args.json:
        print(json.dumps(_result(final, Path(where))))
    elif not to_stdout:
        print(where)
    return EXIT_OK


def read_prompt(given: str) -> str:
    """The prompt: the argument, or standard input for ``-``; InvalidRequestError for input that is not UTF-8."""
    if given != "-":
        return given
    stdin = getattr(sys.stdin, "buffer", None)  # a replaced stdin may be text only
    data = stdin.read() if stdin is not None else sys.stdin.read().encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError as bad:
        raise InvalidRequestError(
            f"The prompt on standard input is not UTF-8 text (byte {bad.start + 1} is not). "
            "Save it as UTF-8 and try again."
        ) from None


def check_stdout(*, as_json: bool) -> None:
    """``-o -`` writes the image to standard output: not with ``--json``, which prints there too, and not
    to a terminal, which would show binary noise. Raises InvalidRequestError."""
    if as_json:
        raise InvalidRequestError("-o - writes the image to standard output, where --json prints too: use one.")
    if sys.stdout.isatty():
        raise InvalidRequestError(
            "-o - writes the image's bytes to standard output, which is a terminal: redirect it "
            "(hfimage PROMPT -o - > image.webp) or name a file."
        )


def _write(image: Image, output: str, *, parents: bool, progress: ProgressLine) -> str:
    """Write the image where ``-o`` says (``-``: standard output); what the final line calls that place."""
    if output == STDOUT:
        sys.stdout.buffer.write(image.content)
        sys.stdout.buffer.flush()
        return f"to standard output ({len(image.content)} bytes, {image.mime_type})"
    return str(_save(image, output, parents=parents, progress=progress))


def _save(image: Image, output: str, *, parents: bool, progress: ProgressLine) -> Path:
    """Save where asked; if that needs a conversion and Pillow is missing, keep the image's own type.

    The image has cost a generation (and maybe GPU quota), so it is kept either way.
    """
    try:
        return image.save(output, parents=parents)
    except MissingExtraError as error:
        path = image.save(Path(output).with_name(Path(output).stem + EXTENSIONS[image.mime_type]), parents=parents)
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
