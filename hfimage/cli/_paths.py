"""Checking where the command line will write, before any request is sent.

An image costs a generation (and maybe GPU quota), so a path that cannot be written is an
error at the start, not after the image was made.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .._core.convert import suffix_problem
from ..errors import InvalidRequestError

_SEPARATORS = tuple(sep for sep in (os.sep, os.altsep) if sep)
STDOUT = "-"
"""What ``-o`` names to write the image to standard output."""
_WHY_NOT_WRITABLE = {
    errno.EACCES: "you may not write there",
    errno.EPERM: "you may not write there",
    errno.EROFS: "it is on a read-only file system",
    errno.ENOENT: "it does not take new files",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
}


def output_path(given: str, *, parents: bool) -> str:
    """What ``-o`` names, checked: a folder (an existing one, or one ending with a separator) keeps
    its trailing separator so that ``Image.save`` treats it as a folder; anything else is a file.

    Its folder must exist, or its parent must when the folder is what ``-o`` names, unless
    ``parents`` (``--parents``) allows creating every missing folder. Raises InvalidRequestError.
    """
    if not given.strip():
        raise InvalidRequestError("-o needs a file or folder name (or - for standard output); got an empty one.")
    path = Path(given)
    if path.is_dir() or given.endswith(_SEPARATORS):
        _check_folder(path, parents=parents, creatable=True)
        return given if given.endswith(_SEPARATORS) else given + os.sep
    if path.exists() and not path.is_file():
        raise InvalidRequestError(f"Cannot save to {given}: it exists and is not a regular file.")
    problem = suffix_problem(given)
    if problem is not None:
        raise InvalidRequestError(f"Cannot save to {given}: {problem}.")
    _check_folder(path.parent, parents=parents, creatable=False, naming=given)
    return given


def output_folder(given: str, *, parents: bool, option: str = "-o", purpose: str = "a batch") -> Path:
    """A folder ``option`` names (for ``purpose``), checked like ``output_path``'s folders; InvalidRequestError."""
    if not given.strip():
        raise InvalidRequestError(f"{option} needs a folder name; got an empty one.")
    path = Path(given)
    if path.exists() and not path.is_dir():
        raise InvalidRequestError(f"{option} {given} is a file; {purpose} saves into a folder: name a folder.")
    _check_folder(path, parents=parents, creatable=True)
    return path


def _check_folder(folder: Path, *, parents: bool, creatable: bool, naming: str | None = None) -> None:
    """``folder`` is, or can become, a writable directory. ``creatable``: it may be missing if its
    parent exists (the user named it); ``parents``: any missing folders may be created."""
    shown = naming or str(folder)
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InvalidRequestError(f"Cannot save to {shown}: {existing} is a file, not a folder.")
    if existing != folder and not parents and not (creatable and existing == folder.parent):
        absent = folder.parent if creatable else folder
        raise InvalidRequestError(
            f"Cannot save to {shown}: the folder {absent} does not exist. Create it first, or pass --parents."
        )
    probe = existing / f".hfimage-probe-{os.urandom(6).hex()}.part"
    try:
        with open(probe, "xb"):
            pass
        probe.unlink()
    except OSError as exc:
        why = _WHY_NOT_WRITABLE.get(exc.errno or 0, exc.strerror or str(exc))
        raise InvalidRequestError(
            f"Cannot save to {shown}: {existing} cannot be written ({why}). Choose another path."
        ) from None
