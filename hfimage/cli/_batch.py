"""``hfimage batch PROMPTS.txt -o DIR``: one image per prompt, resumable, with a progress bar."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import TypeGuard

from .._core.batch import run_many
from .._core.cancel import Cancellation
from .._core.text import slug
from ..client import final_image
from ..errors import (
    AllProvidersOutOfQuotaError,
    ConnectionError,
    HFImageError,
    InvalidRequestError,
    NoProviderReachableError,
)
from ._codes import EXIT_OK, common_code
from ._display import ProgressLine
from ._options import command_line_client, generation_params
from ._paths import output_folder

IMAGE_SUFFIXES = (".png", ".webp", ".jpg", ".gif")
UNREACHABLE = frozenset({"name", "refused", "proxy"})
"""Network failures that will not pass by themselves: no name, nothing listening, a proxy that refuses."""


def hopeless(outcome: object) -> TypeGuard[HFImageError]:
    """Whether every later prompt would meet this failure too (offline, nothing listening, every provider
    resting): it stops a batch, and is said once."""
    if isinstance(outcome, (NoProviderReachableError, AllProvidersOutOfQuotaError)):
        return True
    return isinstance(outcome, ConnectionError) and outcome.reason in UNREACHABLE


def read_prompts(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def stem_for(prompt: str) -> str:
    """A file name for a prompt that stays the same from run to run."""
    return f"{slug(prompt, 50)}-{hashlib.sha256(prompt.encode()).hexdigest()[:8]}"


def read_prompt_file(name: str) -> str:
    """The text of the prompts file (``-``: standard input); InvalidRequestError saying why it cannot be read."""
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidRequestError(f"The prompts file {name} does not exist.") from None
    except IsADirectoryError:
        raise InvalidRequestError(f"{name} is a folder; give a text file with one prompt per line.") from None
    except UnicodeDecodeError:
        raise InvalidRequestError(f"{name} is not a text file (UTF-8); give one prompt per line.") from None
    except OSError as exc:
        raise InvalidRequestError(f"Cannot read the prompts file {name}: {exc.strerror or exc}.") from None


def run(args: argparse.Namespace) -> int:
    prompts = read_prompts(read_prompt_file(args.prompts))
    unique = list(dict.fromkeys(prompts))
    params = generation_params(args)
    with command_line_client(args) as client:
        concurrency, params = client.check_batch(args.concurrency, params)  # before anything is written
        folder = output_folder(args.output, parents=args.parents)
        done = {path.stem for path in folder.iterdir() if path.suffix in IMAGE_SUFFIXES} if folder.is_dir() else set()
        todo = [prompt for prompt in unique if stem_for(prompt) not in done]
        skipped = len(unique) - len(todo)
        progress = ProgressLine(quiet=args.quiet)
        tally = {"saved": 0, "failed": 0}

        def work(index: int, cancellation: Cancellation) -> Path:
            image = final_image(client.run(client.plan(todo[index], **params), cancellation))
            return image.save(folder / stem_for(todo[index]), parents=True)  # the folder was checked first

        def finished(index: int, outcome: Path | HFImageError) -> None:
            if hopeless(outcome):
                raise outcome  # no prompt can fare better: stop the batch, and say why once
            tally["failed" if isinstance(outcome, HFImageError) else "saved"] += 1
            count = tally["saved"] + tally["failed"]
            if isinstance(outcome, HFImageError):
                progress.say(f"failed: {todo[index]!r}: {outcome}")
            progress.show(
                f"{_bar(count, len(todo))} {count}/{len(todo)}, {tally['saved']} saved, {tally['failed']} failed"
            )

        try:
            outcomes = run_many(len(todo), work, concurrency=concurrency, on_done=finished)
        finally:
            progress.end()
    failures = [outcome for outcome in outcomes if isinstance(outcome, HFImageError)]
    repeats = len(prompts) - len(unique)
    given = f"{len(prompts)} prompts ({repeats} repeated, made once)" if repeats else f"{len(prompts)} prompts"
    summary = f"{given}: {tally['saved']} saved, {skipped} already there, {len(failures)} failed"
    progress.say(f"{summary} (in {folder})")
    return common_code(failures) if failures else EXIT_OK


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = width * done // total if total else width
    return "[" + "#" * filled + "-" * (width - filled) + "]"
