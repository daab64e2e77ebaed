"""Hugging Face tokens as callers give them: checked before anything is sent, never quoted back."""

from __future__ import annotations

import os
import re

from ..errors import InvalidRequestError

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
