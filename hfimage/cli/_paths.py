"""Checking where the command line will write, before any request is sent.

An image costs a generation (and maybe GPU quota), so a path that cannot be written is an
error at the start, not after the image was made.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InvalidRequestError

_SEPARATORS = tuple(sep for sep in (os.sep, os.altsep) if sep)


def output_path(given: str, *, parents: bool) -> str:
    """What ``-o`` names, checked: a folder (an existing one, or one ending with a separator) keeps
    its trailing separator so that ``Image.save`` treats it as a folder; anything else is a file.

    Its folder must exist, or its parent must when the folder is what ``-o`` names, unless
    ``parents`` (``--parents``) allows creating every missing folder. Raises InvalidRequestError.
    """
    path = Path(given)
    if path.is_dir() or given.endswith(_SEPARATORS):
        _check_folder(path, parents=parents, creatable=True)
        return given if given.endswith(_SEPARATORS) else given + os.sep
    if path.exists() and not path.is_file():
        raise InvalidRequestError(f"Cannot save to {given}: it exists and is not a regular file.")
    _check_folder(path.parent, parents=parents, creatable=False, naming=given)
    return given


def output_folder(given: str, *, parents: bool) -> Path:
    """A folder ``-o`` names for a batch, checked like ``output_path``'s folders; InvalidRequestError."""
    path = Path(given)
    if path.exists() and not path.is_dir():
        raise InvalidRequestError(f"-o {given} is a file; a batch saves into a folder: name a folder.")
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
        raise InvalidRequestError(
            f"Cannot save to {shown}: {existing} cannot be written ({exc.strerror or exc}). Choose another path."
        ) from None
