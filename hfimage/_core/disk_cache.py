"""What hfimage learnt of servers, kept on disk so that a new process need not ask again.

Each entry is one JSON file, ``{folder}/{kind}/{digest of key}.json``, holding the format
version, the key, when it was saved and the value. An entry of another format, another key,
older than the age limit or damaged in any way is a miss, never an error: the cache only saves
round trips, and whatever it returns is checked like an answer from the network. Writes go to a
temporary file that replaces the entry at once, so a reader (another process) sees the old
entry or the new one, never a part.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("hfimage")

FORMAT = 1
"""Raised whenever what an entry holds changes shape; entries of other formats are ignored."""
MAX_AGE_SECONDS = 24 * 3600.0
"""Entries older than this are read again from the server."""
CACHE_VARIABLE = "HFIMAGE_CACHE"


def cache_folder() -> Path:
    """``$HFIMAGE_CACHE``, else ``$XDG_CACHE_HOME/hfimage``, else ``~/.cache/hfimage``."""
    given = os.environ.get(CACHE_VARIABLE)
    if given:
        return Path(given).expanduser()
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "hfimage"


def private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing folder above it, each readable and writable by the user
    alone (whatever the umask): the cache says which spaces a user calls. Raises OSError."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for each in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            each.mkdir(mode=0o700)
            os.chmod(each, 0o700)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (creating its folders, private to the user) through a temporary file
    that then replaces it, so a reader sees the old file or the new one, never a part. Raises OSError."""
    private_folder(path.parent)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class DiskCache:
    """JSON values by kind and key under ``folder``, each valid for ``max_age`` seconds.

    Never raises for a missing, stale, damaged or unwritable cache: ``load`` returns None and
    ``save`` does nothing (both log why at debug level).
    """

    def __init__(
        self, folder: Path, *, max_age: float = MAX_AGE_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self.folder = folder
        self.max_age = max_age
        self._clock = clock

    def __repr__(self) -> str:
        return f"DiskCache({str(self.folder)!r})"

    def load(self, kind: str, key: str) -> Any:
        """The value saved under ``key``, or None when there is none still valid."""
        path = self._path(kind, key)
        try:
            entry = json.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, RecursionError) as unreadable:
            log.debug("cache: %s is unreadable (%s); asking the server", path, unreadable)
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key:
            return None
        saved = entry.get("saved")
        if not isinstance(saved, (int, float)) or not 0 <= self._clock() - saved <= self.max_age:
            return None
        return entry.get("value")

    def save(self, kind: str, key: str, value: Any) -> None:
        """Keep ``value`` (JSON-serialisable) under ``key``, replacing any entry at once."""
        path = self._path(kind, key)
        entry = {"format": FORMAT, "key": key, "saved": self._clock(), "value": value}
        try:
            write_atomically(path, json.dumps(entry, separators=(",", ":")))
        except (OSError, TypeError, ValueError) as unwritable:
            log.debug("cache: could not write %s (%s)", path, unwritable)

    def drop(self, kind: str, key: str) -> None:
        """Forget the entry under ``key``, if any."""
        with contextlib.suppress(OSError):
            self._path(kind, key).unlink()

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")
