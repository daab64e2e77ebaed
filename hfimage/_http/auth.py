"""Hugging Face tokens: checked as callers give them, and scoped to the origins they may reach.

A token is never quoted back: errors name where it came from, reprs mask it.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass

from .._secrets import mask
from ..errors import InvalidRequestError
from .urls import Origin, is_hf_origin, origin

HF_HEADER = "X-HF-Authorization"
TOKEN_HEADERS = (HF_HEADER, "Authorization")

ENV_VARIABLE = "HF_TOKEN"
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")
MAX_TOKEN_CHARS = 1024
"""Far longer than any Hugging Face token (37 characters): a longer one is a file or value of another kind."""


def check_token(token: object, source: str) -> str | None:
    """The token with surrounding white space removed, or None; InvalidRequestError if it cannot be one.

    A token travels in an HTTP header, so it must be printable ASCII without spaces. The
    error names ``source`` (where the token came from), never the token itself.
    """
    if token is None:
        return None
    if not isinstance(token, str):
        kind = type(token).__name__
        raise InvalidRequestError(f"{source} must be a string (a Hugging Face token, hf_...); got {kind}.")
    token = token.strip()
    if not token:
        raise InvalidRequestError(f"{source} is empty; give a Hugging Face token (hf_...), or leave it out.")
    if len(token) > MAX_TOKEN_CHARS or not _HEADER_SAFE.fullmatch(token):
        raise InvalidRequestError(
            f"{source} is not a Hugging Face token: it contains spaces, line breaks or characters that are not "
            "ASCII. Copy the token again from https://huggingface.co/settings/tokens (it looks like hf_...)."
        )
    return token


TOKEN_VARIABLES = (ENV_VARIABLE, "HUGGING_FACE_HUB_TOKEN")
"""Where tokens are looked for in the environment, in order (the second is huggingface_hub's older name)."""
DISABLE_VARIABLE = "HF_HUB_DISABLE_IMPLICIT_TOKEN"
_TRUE = {"1", "true", "yes", "on"}


def saved_token() -> tuple[str | None, str | None]:
    """The token huggingface_hub would use when none is given, and where it came from.

    In order: ``HF_TOKEN`` (then the older ``HUGGING_FACE_HUB_TOKEN``), the file named by
    ``HF_TOKEN_PATH``, else ``$HF_HOME/token`` (``~/.cache/huggingface/token``), which
    ``hf auth login`` writes. ``HF_HUB_DISABLE_IMPLICIT_TOKEN`` turns all of them off. Each is
    checked like ``token=``; errors name the source, never the token. ``(None, None)`` when
    there is none.
    """
    if os.environ.get(DISABLE_VARIABLE, "").strip().lower() in _TRUE:
        return None, None
    for variable in TOKEN_VARIABLES:
        value = os.environ.get(variable)
        if value is not None and value.strip():
            return check_token(value, f"The {variable} environment variable"), variable
    path = token_file()
    text = _saved_text(path)
    if text is None or not text.strip():
        return None, None  # no saved token (or one that cannot be read): the caller is anonymous
    source = f"the token file {path}"
    return check_token(text, f"{source[0].upper()}{source[1:]} (saved by `hf auth login`)"), source


def token_file() -> str:
    """Where ``hf auth login`` keeps the token: ``HF_TOKEN_PATH``, else ``$HF_HOME/token``."""
    given = os.environ.get("HF_TOKEN_PATH")
    if given:
        return os.path.expanduser(given)
    home = os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
    return os.path.join(os.path.expanduser(home), "token")


_saved: dict[str, tuple[tuple[int, int, int], str]] = {}
"""Token files read before, by path, with the identity (inode, size, change time) they had."""


def _saved_text(path: str) -> str | None:
    """The file's text, read again only when it changed (every call looks, so a login shows at once)."""
    try:
        status = os.stat(path)
        identity = (status.st_ino, status.st_size, status.st_mtime_ns)
        known = _saved.get(path)
        if known is not None and known[0] == identity:
            return known[1]
        if not stat.S_ISREG(status.st_mode):
            return None  # a folder, a pipe or a device: no token, and nothing to block on
        with open(path, encoding="utf-8") as file:
            text = file.read(MAX_TOKEN_CHARS + 64)  # enough to tell a token from a file that is not one
    except (OSError, UnicodeError):
        return None
    _saved[path] = (identity, text)
    return text


def token_from_environment() -> str | None:
    """The saved token (see ``saved_token()``), or None."""
    return saved_token()[0]


@dataclass(frozen=True)
class Credential:
    """A Hugging Face token and the origins it may reach.

    It goes to Hugging Face hosts over HTTPS: to spaces (``*.hf.space``) as
    ``X-HF-Authorization`` (the Hugging Face proxy strips it, so a space's own code never sees
    it), to the Hub (``huggingface.co``) as ``Authorization``; and, as ``Authorization``, to
    ``own_origin`` alone: the scheme, host and port of a provider instance that was given
    this token explicitly, or of a Hub the user chose. Both are decided on the URL as urllib3
    reads it to connect.
    """

    token: str
    own_origin: Origin | None = None

    def headers_for(self, url: str) -> dict[str, str]:
        where = origin(url)
        if where is None:
            return {}
        if is_hf_origin(where):
            return {HF_HEADER if where.host.endswith(".hf.space") else "Authorization": f"Bearer {self.token}"}
        if where == self.own_origin:
            return {"Authorization": f"Bearer {self.token}"}
        return {}

    def __repr__(self) -> str:
        return f"Credential(token={mask(self.token)!r}, own_origin={self.own_origin!r})"
