"""Reading URLs exactly as the HTTP stack will, and refusing the ones a server could use to mislead.

Whether a request may carry a token is decided on the URL as urllib3 parses it, since urllib3
is what connects. URLs and path pieces that come from servers are checked before use: one
that two parsers could read differently (a backslash, user info, control characters) is
refused rather than interpreted.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

from ..errors import ProtocolError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DOT_SEGMENT = re.compile(r"(?:^|[/\\])\.{1,2}(?:$|[/\\])")


class Origin(NamedTuple):
    """Scheme, host and port: what a token is scoped to."""

    scheme: str
    host: str
    port: int


def origin(url: str) -> Origin | None:
    """The origin urllib3 will connect to for ``url``; None if it is not an http(s) URL with a host."""
    try:
        parts = parse_url(url)
    except LocationParseError:
        return None
    scheme = (parts.scheme or "").lower()
    if scheme not in _DEFAULT_PORTS or not parts.host:
        return None
    return Origin(scheme, parts.host.lower().rstrip("."), parts.port or _DEFAULT_PORTS[scheme])


def is_hf_host(host: str) -> bool:
    """True for hosts of Hugging Face itself: ``*.hf.space``, ``huggingface.co`` and its subdomains."""
    host = host.lower().rstrip(".")
    return host.endswith(".hf.space") or host == "huggingface.co" or host.endswith(".huggingface.co")


def is_hf_origin(where: Origin) -> bool:
    """True for Hugging Face's own hosts reached over HTTPS on the standard port: where a token may go."""
    return where.scheme == "https" and where.port == 443 and is_hf_host(where.host)


def host_of(url: str) -> str:
    where = origin(url)
    return where.host if where is not None else (urlsplit(url).hostname or "")


def url_problem(url: str, *, relative: bool = False) -> str | None:
    """Why a URL a server sent is not safe to follow, or None. ``relative`` allows a path alone."""
    if _SPACE_OR_CONTROL.search(url):
        return "it contains spaces or control characters"
    if "\\" in url:
        return "it contains a backslash"
    scheme = _SCHEME.match(url)
    if scheme is None and not url.startswith("//"):
        return None if relative else "it is not an absolute http(s) URL"
    if scheme is not None and scheme.group(1).lower() not in _DEFAULT_PORTS:
        return f"its scheme is {scheme.group(1)!r}, not http or https"
    return _authority_problem(url, url[scheme.end() :] if scheme is not None else url)


def _authority_problem(url: str, after_scheme: str) -> str | None:
    if not after_scheme.startswith("//"):
        return "it has no host"
    if "@" in re.split(r"[/?#]", after_scheme[2:], maxsplit=1)[0]:
        return "it carries user info before its host"
    if after_scheme is url:
        return None  # scheme-relative: read again once joined to the URL it came from
    where = origin(url)
    if where is None:
        return "its host cannot be read unambiguously"
    try:
        theirs = urlsplit(url)
        same = _same_host(theirs.hostname or "", where.host) and (theirs.port or where.port) == where.port
    except ValueError:
        same = False
    return None if same else "its host cannot be read unambiguously"


def _same_host(read: str, connected: str) -> bool:
    """Whether urlsplit's reading of a host is the one urllib3 connects to (brackets and IDNA aside)."""
    try:
        read = read.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return read.lower() == connected.strip("[]").lower()


def server_url(url: str, provider: str) -> str:
    """An absolute http(s) URL a server sent, or ProtocolError if it is ambiguous."""
    problem = url_problem(url)
    if problem is not None:
        raise ProtocolError(
            f"{provider} sent a URL hfimage will not fetch ({problem}): {url[:100]!r}", provider=provider
        )
    return url


def server_id(value: object, what: str, provider: str) -> str:
    """An id a server sent that hfimage will put in a URL (letters, digits, ``-`` and ``_``), or ProtocolError."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        value = str(value)
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ProtocolError(
            f"{provider} sent {what} that is not a plain id: {str(value)[:100]!r}. "
            "The server is not a Gradio app hfimage knows; use another provider.",
            provider=provider,
        )
    return value


def file_path_problem(path: str) -> str | None:
    """Why a file path a Gradio app sent cannot be turned into a download URL, or None."""
    if _CONTROL.search(path):
        return "it contains control characters"
    if _DOT_SEGMENT.search(path):
        return "it climbs out of its folder with '.' or '..'"
    return None
