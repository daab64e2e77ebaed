"""The errors hfimage raises: one root, one subclass per cause.

::

    HFImageError
    ├── InvalidRequestError (also ValueError)    the request cannot succeed as given; nothing was sent
    │   ├── SpaceNotFoundError                   no space has that id
    │   └── NotAGradioSpaceError                 the space is not a Gradio app
    ├── CallCancelledError                       the call was cancelled through its Cancellation
    ├── ProviderError                            the app reported an error of its own
    │   ├── QuotaExceededError                   out of GPU quota; retry_after, shared
    │   └── GPUDurationError                     the job needs more GPU time than the caller's tier allows
    ├── ServiceUnavailableError                  sleeping or building space, full queue, 5xx
    │   ├── SpaceNotRunningError                 paused, stopped, building or broken space; stage
    │   ├── ReplicaMismatchError                 a request reached another replica than the job's
    │   └── RateLimitError                       HTTP 429; retry_after
    ├── AuthenticationError                      HTTP 401/403: private or gated space, wrong token
    │   └── BrowserCheckError                    a site that lets only a logged-in browser in (Cloudflare)
    ├── ProtocolError                            an answer hfimage does not understand
    │   └── BrokenImageError (also OSError)      image bytes that cannot be decoded
    ├── ConnectionError (also builtins')         the network failed; reason
    ├── TimeoutError (also builtins')            the call's deadline passed, or a server went silent
    ├── MissingExtraError (also ImportError)     an optional package is missing
    ├── SaveError (also OSError)                 save() could not write; path
    │   └── Save{Permission,FileExists,FileNotFound,NotADirectory,IsADirectory}Error (also the builtin kind)
    └── AllProvidersFailedError                  every provider failed; attempts
        ├── NoProviderReachableError (also ConnectionError)
        └── AllProvidersOutOfQuotaError (also QuotaExceededError)

Every error carries a message that says what happened and what to do next, and the facts
behind it as attributes: ``provider`` (the provider it came from), and for an error made of an
HTTP answer ``status_code``, ``url`` and the server's ``detail``; None where they do not apply.
``repr()`` shows them. All errors pickle with every field, so they cross process and thread
boundaries intact.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._secrets import without_secrets

_OS_FIELDS = ("errno", "strerror", "filename")
MESSAGE_CHARS = 6000
"""The longest message an error keeps; what servers send is cut much shorter where it is quoted."""


def _bounded(message: str) -> str:
    if len(message) <= MESSAGE_CHARS:
        return message
    return message[: MESSAGE_CHARS - 40] + f"… ({len(message) - MESSAGE_CHARS + 40} characters cut)"


class HFImageError(Exception):
    """Root of every error hfimage raises."""

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = None,
        url: str | None = None,
        detail: str | None = None,
    ) -> None:
        message = _bounded(without_secrets(message))
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.url = without_secrets(url) if url is not None else None
        self.detail = detail

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        facts = "".join(
            f", {name}={value!r}"
            for name, value in vars(self).items()
            if name != "message" and value is not None and value != ()
        )
        return f"{type(self).__name__}({self.message!r}{facts})"

    def __reduce__(self) -> tuple[Any, ...]:
        state = dict(self.__dict__)
        if isinstance(self, OSError):  # kept outside __dict__ by OSError
            state.update({name: getattr(self, name) for name in _OS_FIELDS})
        return (_rebuild, (type(self), self.args, state))


def _rebuild(cls: type[HFImageError], args: tuple[Any, ...], state: dict[str, Any]) -> HFImageError:
    error = cls.__new__(cls)
    error.args = args
    for name, value in state.items():
        setattr(error, name, value)
    return error


class CallCancelledError(HFImageError):
    """The call was cancelled through its ``Cancellation``: it stopped at once and closed its connections."""


class InvalidRequestError(HFImageError, ValueError):
    """The request cannot succeed as given; nothing was sent, and no other provider is tried."""


class SpaceNotFoundError(InvalidRequestError):
    """No space has this id on the Hub (a private one looks the same without its token)."""


class NotAGradioSpaceError(InvalidRequestError):
    """The space runs another SDK (static, Docker, Streamlit): hfimage can drive Gradio apps only."""


class ProviderError(HFImageError):
    """The space's app (or the image service) reported an error of its own."""


class QuotaExceededError(ProviderError):
    """The space refused the job for lack of GPU quota.

    ``retry_after`` is the wait in seconds that the space announced, or None. ``shared`` is True
    when the quota is the caller's own on ZeroGPU (per token, or per address without one), which
    every ZeroGPU space shares; False when it is this space's.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, shared: bool = False, **facts: Any) -> None:
        super().__init__(message, **facts)
        self.retry_after = retry_after
        self.shared = shared


class CreditsDepletedError(ProviderError):
    """The Hugging Face account has no Inference Providers credits left (HTTP 402): a PRO account gets
    monthly credits, and pre-paid credits can be bought; the next provider is tried meanwhile."""


class GPUDurationError(ProviderError):
    """ZeroGPU refused a job that asks for more GPU time than the caller's tier allows: fewer steps or a
    smaller image may fit; trying again as it is will not."""


class ServiceUnavailableError(HFImageError):
    """The service cannot take the job now: sleeping or building space, full queue, 5xx."""


class SpaceNotRunningError(ServiceUnavailableError):
    """The space is not running its app: ``stage`` is what the Hub reports (``PAUSED``, ``BUILD_ERROR``...)."""

    def __init__(self, message: str, *, stage: str | None = None, **facts: Any) -> None:
        super().__init__(message, **facts)
        self.stage = stage


class ReplicaMismatchError(ServiceUnavailableError):
    """A space that runs several replicas answered from one that does not know the job ("Event not found
    in queue"): the request was routed away from the replica that holds it."""


class RateLimitError(ServiceUnavailableError):
    """HTTP 429: too many requests. ``retry_after`` comes from the Retry-After header, or is None."""

    def __init__(self, message: str, *, retry_after: float | None = None, status_code: int | None = 429, **facts: Any):
        super().__init__(message, status_code=status_code, **facts)
        self.retry_after = retry_after


class AuthenticationError(HFImageError):
    """The service refused access (HTTP 401/403): the space is private or gated, or the token is wrong."""


class BrowserCheckError(AuthenticationError):
    """The service answered with Cloudflare's browser check: only a logged-in browser gets through, and
    hfimage cannot pass it (ImageLabs since 2025)."""


class MissingExtraError(HFImageError, ImportError):
    """An optional feature needs a package that is not installed; the message names the extra to install."""


class ProtocolError(HFImageError):
    """The server answered in a way hfimage does not understand, or the stream ended without a result."""


class BrokenImageError(ProtocolError, OSError):
    """The image's bytes cannot be decoded: the server sent a truncated or corrupt file."""


class SaveError(HFImageError, OSError):
    """Writing an image to disk failed; ``path`` is where, and the builtin kind (below) says why.

    No partial file is left behind. ``errno`` and ``strerror`` are those of the failure.
    """

    def __init__(self, message: str, *, path: str, **facts: Any) -> None:
        super().__init__(message, **facts)
        self.path = path


class SavePermissionError(SaveError, builtins.PermissionError):
    """Saving failed: the folder or file may not be written (read-only, or another user's)."""


class SaveFileExistsError(SaveError, builtins.FileExistsError):
    """Saving failed: a file stands where a folder is needed."""


class SaveNotADirectoryError(SaveError, builtins.NotADirectoryError):
    """Saving failed: part of the path is a file, not a folder."""


class SaveIsADirectoryError(SaveError, builtins.IsADirectoryError):
    """Saving failed: the path names a folder where a file is needed."""


class SaveFileNotFoundError(SaveError, builtins.FileNotFoundError):
    """Saving failed: a folder on the path does not exist (``parents=True`` creates it)."""


NETWORK_REASONS: dict[str, tuple[str, str, str]] = {
    "name": ("its name could not be resolved", "the names could not be resolved",
             "Are you offline? Check your connection or proxy."),
    "refused": ("nothing accepted the connection", "nothing accepted the connections",
                "Check the URL, your network and proxy."),
    "connect": ("the connection could not be made in time", "no connection could be made in time",
                "Check your network or proxy, or try again later."),
    "tls": ("the TLS handshake failed", "the TLS handshakes failed", "Check the system's certificates and the proxy."),
    "proxy": ("the proxy refused or failed the connection", "the proxy refused or failed the connections",
              "Check the proxy setting (proxy=, HTTPS_PROXY, HTTP_PROXY)."),
    "proxy_silent": ("the proxy took the request but never answered", "the proxy took the requests but never answered",
                     "Check the proxy setting (proxy=, HTTPS_PROXY, HTTP_PROXY), or try without it."),
    "dropped": ("the connection dropped in the middle of the answer", "the connections dropped mid-answer",
                "The spaces may have restarted: try again."),
    "failed": ("the connection failed", "the connections failed", "Check your network and proxy settings."),
}  # fmt: skip
"""For each kind of network failure: what happened to one provider, to all of them, and what to do."""


class ConnectionError(HFImageError, builtins.ConnectionError):
    """The network failed: no connection, a refused or dropped connection, a proxy or TLS failure.

    ``reason`` names the kind of failure (a key of ``NETWORK_REASONS``), or is None.
    """

    def __init__(self, message: str, *, reason: str | None = None, **facts: Any) -> None:
        super().__init__(message, **facts)
        self.reason = reason


class TimeoutError(HFImageError, builtins.TimeoutError):
    """The call ran out of time: its deadline passed, or the server went silent for too long."""


@dataclass(frozen=True)
class Attempt:
    """One provider tried during a call: its name and, if it failed, the error."""

    provider: str
    error: HFImageError | None = None


class AllProvidersFailedError(HFImageError):
    """Every provider that serves the model failed; ``attempts`` lists each one with its error."""

    def __init__(self, message: str, *, attempts: Sequence[Attempt]) -> None:
        super().__init__(message)
        self.attempts = tuple(attempts)


class NoProviderReachableError(AllProvidersFailedError, ConnectionError):
    """Every provider failed on the network; most often there is no internet connection.

    ``reason`` is the kind of failure they all met, or None when it differed.
    """

    def __init__(self, message: str, *, attempts: Sequence[Attempt], reason: str | None = None) -> None:
        super().__init__(message, attempts=attempts)
        self.reason = reason


class AllProvidersOutOfQuotaError(AllProvidersFailedError, QuotaExceededError):
    """Every provider is out of GPU quota; ``retry_after`` is the soonest wait any of them announced."""

    def __init__(self, message: str, *, attempts: Sequence[Attempt]) -> None:
        super().__init__(message, attempts=attempts)
        waits = [
            error.retry_after for error in (a.error for a in self.attempts) if isinstance(error, QuotaExceededError)
        ]
        known = [wait for wait in waits if wait is not None]
        self.retry_after = min(known) if known else None
        self.shared = all(getattr(a.error, "shared", False) for a in self.attempts)


__all__ = [
    "AllProvidersFailedError",
    "AllProvidersOutOfQuotaError",
    "Attempt",
    "AuthenticationError",
    "BrokenImageError",
    "BrowserCheckError",
    "CallCancelledError",
    "ConnectionError",
    "GPUDurationError",
    "HFImageError",
    "InvalidRequestError",
    "MissingExtraError",
    "NoProviderReachableError",
    "NotAGradioSpaceError",
    "ProtocolError",
    "ProviderError",
    "QuotaExceededError",
    "RateLimitError",
    "ReplicaMismatchError",
    "SaveError",
    "SaveFileExistsError",
    "SaveFileNotFoundError",
    "SaveIsADirectoryError",
    "SaveNotADirectoryError",
    "SavePermissionError",
    "ServiceUnavailableError",
    "SpaceNotFoundError",
    "SpaceNotRunningError",
    "TimeoutError",
]
