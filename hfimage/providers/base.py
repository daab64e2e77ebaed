"""What every provider is: a service that takes a checked request and streams back an image."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from .._core.catalog import models_served_by
from .._core.request import GENERATION_PARAMETERS, GenerationRequest
from .._core.spelling import options
from .._http.auth import Credential, check_token
from .._http.channel import Channel
from .._http.urls import origin, url_problem
from .._protocols.gradio.directory import AppDirectory
from .._protocols.hub import Hub
from .._protocols.output import Failed, Output
from ..errors import (
    InvalidRequestError,
)
from ..results import Event


@dataclass(frozen=True)
class RunContext:
    """What a provider's run needs from the client: the channel, what is known of Gradio apps and of
    the Hub, the Gradio route to take."""

    channel: Channel
    apps: AppDirectory
    hub: Hub
    protocol: str = "auto"


@dataclass(frozen=True)
class Job:
    """What one provider will be sent: its named inputs, the size they ask for, and the seed if fixed."""

    inputs: tuple[tuple[str, Any], ...]
    width: int
    height: int
    seed: int | None = None
    request: GenerationRequest | None = None
    """The request itself, for providers that map it onto the app's inputs only when they run."""


class Provider(abc.ABC):
    """A service that turns a prompt into an image."""

    label: ClassVar[str]
    default_url: ClassVar[str]
    takes: frozenset[str] | None = None
    """The optional parameters of ``generate()`` it takes; None when only the app can say."""
    zerogpu: bool | None = None
    """Whether it runs on ZeroGPU, whose quota a caller shares across spaces; None when not known."""
    ends_call_on_authentication: bool = False
    """Whether its AuthenticationError ends the call: the token it was refused is the one every later
    provider would send (the router's providers share it)."""

    def __init__(self, url: str | None = None, *, token: str | None = None) -> None:
        if url is not None and not isinstance(url, str):
            raise InvalidRequestError(f"A provider URL must be a string; got {type(url).__name__}.")
        url = (url or self.default_url).rstrip("/")
        if url_problem(url) is not None or urlsplit(url).query or urlsplit(url).fragment:
            raise InvalidRequestError(
                f"A provider URL must be an http(s) URL with a host and no user info, query or fragment, "
                f"such as 'http://127.0.0.1:7860'; got {url!r}."
            )
        self.url = url
        self._token = check_token(token, "token=")

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def key(self) -> str:
        """Identifies this provider at this URL, e.g. for quota memory."""
        return f"{self.name} {self.url}"

    @property
    def models(self) -> tuple[str, ...]:
        """Canonical names of the models it serves; the first is its default."""
        return models_served_by(self.name)

    def credential(self, client_token: str | None) -> Credential | None:
        """The token this provider's requests may carry, and where.

        A token given to this instance also goes to its own origin (scheme, host and port); the
        client's token goes to Hugging Face hosts only.
        """
        if self._token is not None:
            return Credential(self._token, own_origin=origin(self.url))
        if client_token is not None:
            return Credential(client_token)
        return None

    def check(self, request: GenerationRequest) -> None:
        """Refuse parameters this provider does not take (where that is known before asking the app)."""
        if self.takes is None:
            return
        unsupported = [name for name in request.given() if name not in self.takes]
        if unsupported:
            raise InvalidRequestError(
                f"{self.name} does not take {options(unsupported)}; it takes "
                f"{options([name for name in GENERATION_PARAMETERS if name in self.takes])}. "
                "Leave the others out, or pick another model.",
                provider=self.name,
            )

    @abc.abstractmethod
    def prepare(self, request: GenerationRequest) -> Job:
        """The job for a request, or InvalidRequestError; sends nothing."""

    @abc.abstractmethod
    def run(self, job: Job, context: RunContext) -> Iterator[Output | Event | Failed]:
        """Run a prepared job: progress events and previews, then the final image, or a typed error. A
        provider that reaches several others (a router) reports each that failed as ``Failed``."""

    def __repr__(self) -> str:
        return f"{self.name}(url={self.url!r})"
