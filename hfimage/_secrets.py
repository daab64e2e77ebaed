"""What no message, log line, repr or traceback may show: tokens and URL passwords, and their masks."""

from __future__ import annotations

import re

_USER_INFO = re.compile(r"(?<=://)[^/?#@\s]+@")
_HF_TOKEN = re.compile(r"\bhf_[A-Za-z0-9]{20,}")


def without_secrets(text: str) -> str:
    """``text`` with the user info of any URL in it (``user:password@``) and anything shaped like a
    Hugging Face token masked: what no message, log line or repr may show."""
    return _HF_TOKEN.sub("hf_***", _USER_INFO.sub("***@", text))


def redact(text: str, secret: str | None) -> str:
    """The text with every occurrence of ``secret`` masked."""
    if not secret:
        return text
    return text.replace(secret, mask(secret))


def mask(secret: str) -> str:
    """A recognisable but useless stand-in for a secret, e.g. ``hf_***``."""
    return secret[:3] + "***" if secret.startswith("hf_") else "***"
