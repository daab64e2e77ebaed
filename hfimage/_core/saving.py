"""Writing an image file whole or not at all: partial files beside the target, and the file system's
refusals as ``SaveError``s that name the path."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from ..errors import (
    SaveError,
    SaveFileExistsError,
    SaveFileNotFoundError,
    SaveIsADirectoryError,
    SaveNotADirectoryError,
    SavePermissionError,
)
from .translating import translating

PART_PREFIX = ".hfimage-"
PART_SUFFIX = ".part"
STALE_PART_SECONDS = 3600.0
"""A partial download untouched this long was left by a process that died: a later save removes it."""

_SAVE_ERRORS: tuple[tuple[type[OSError], type[SaveError], str], ...] = (
    (PermissionError, SavePermissionError, "hfimage may not write there; choose a folder you can write to"),
    (FileExistsError, SaveFileExistsError, "a file stands where a folder is needed; choose another path"),
    (NotADirectoryError, SaveNotADirectoryError, "part of the path is a file, not a folder; choose another path"),
    (IsADirectoryError, SaveIsADirectoryError, "the path names a folder; give a file name, or the folder itself"),
    (FileNotFoundError, SaveFileNotFoundError, "a folder on the path does not exist: create it, or pass parents=True"),
)


def saving(target: Path) -> contextlib.AbstractContextManager[None]:
    """Inside, a failure of the file system becomes a SaveError of the same builtin kind, naming ``target``."""
    return translating(OSError, lambda exc: _save_error(exc, target))


def _save_error(exc: OSError, target: Path) -> SaveError:
    kind, advice = next(((kind, advice) for builtin, kind, advice in _SAVE_ERRORS if isinstance(exc, builtin)),
                        (SaveError, "check the path and the free space"))  # fmt: skip
    error = kind(f"Could not save the image to {target}: {exc.strerror or exc}; {advice}.", path=str(target))
    error.errno, error.strerror, error.filename = exc.errno, exc.strerror, exc.filename
    return error


SEPARATORS = tuple(sep for sep in (os.sep, os.altsep) if sep)
"""What a path ends with when it names a folder to save into (``"foxes/"``)."""


def new_part(folder: Path) -> tuple[int, str]:
    """A new partial file in ``folder``, opened for writing; created with mode 0o666, so the
    umask gives it (and the image it becomes) the permissions of any new file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(8):
        name = str(folder / f"{PART_PREFIX}{os.urandom(6).hex()}{PART_SUFFIX}")
        with contextlib.suppress(FileExistsError):  # one in 2**48: another save picked the same name
            return os.open(name, flags, 0o666), name
    raise FileExistsError(f"no free name for a partial file in {folder}")


def sweep_parts(folder: Path) -> None:
    """Remove partial downloads left in ``folder`` by processes that died; others' live ones stay."""
    now = time.time()
    for part in folder.glob(f"{PART_PREFIX}*{PART_SUFFIX}"):
        with contextlib.suppress(OSError):  # gone already, or not ours to remove
            if now - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()
