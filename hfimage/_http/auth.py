"""Hugging Face tokens: checked as callers give them, and scoped to the origins they may reach.

A token is never quoted back: errors name where it came from, reprs mask it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .._core.text import mask
from ..errors import InvalidRequestError
from .urls import Origin, is_hf_origin, origin

HF_HEADER = "X-HF-Authorization"
TOKEN_HEADERS = (HF_HEADER, "Authorization")

ENV_VARIABLE = "HF_TOKEN"
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")


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
    if not _HEADER_SAFE.fullmatch(token):
        raise InvalidRequestError(
            f"{source} is not a Hugging Face token: it contains spaces, line breaks or characters that are not "
            "ASCII. Copy the token again from https://huggingface.co/settings/tokens (it looks like hf_...)."
        )
    return token


def token_from_environment() -> str | None:
    """The token in ``HF_TOKEN``, checked like ``token=``; None when the variable is unset or blank."""
    value = os.environ.get(ENV_VARIABLE)
    if value is None or not value.strip():
        return None
    return check_token(value, f"The {ENV_VARIABLE} environment variable")


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
