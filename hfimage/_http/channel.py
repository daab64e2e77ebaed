"""What protocol code talks through: a transport, with one call's deadline, token and proxy."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests

from .._core.cancel import Cancellation
from .._core.deadline import Deadline
from .auth import Credential
from .body import Body
from .errors import read_json
from .multipart import Form
from .transport import Transport
from .watch import Watch


@dataclass(frozen=True)
class Channel:
    """Everything one call needs to talk to one provider: transport, deadline, token and proxy."""

    transport: Transport
    deadline: Deadline
    provider: str
    credential: Credential | None = None
    proxy: str | None = None
    cancellation: Cancellation | None = None
    watch: Watch = field(init=False, repr=False, compare=False)
    on_response: Callable[[requests.Response], object] | None = field(default=None, repr=False, compare=False)
    """Shown every response this channel gets, e.g. to note the replica that answered it."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "watch", Watch(self.deadline, self.cancellation))

    @property
    def secret(self) -> str | None:
        """The token this channel may send: masked in whatever its servers answer."""
        return self.credential.token if self.credential is not None else None

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        response = self.transport.request(
            method,
            url,
            watch=self.watch,
            provider=self.provider,
            credential=self.credential,
            proxy=self.proxy,
            **kwargs,
        )
        if self.on_response is not None:
            self.on_response(response)
        return response

    def get_json(self, url: str) -> Any:
        return read_json(self.request("GET", url), self.provider, self.secret)

    def post_json(self, url: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return read_json(self.request("POST", url, json=body, headers=headers), self.provider, self.secret)

    def post_form(self, url: str, form: Form) -> Any:
        """POST a form of files, streamed from them; the JSON answer."""
        return read_json(self.request("POST", url, data=form), self.provider, self.secret)

    @contextlib.contextmanager
    def event_stream(self, url: str) -> Iterator[Body]:
        """GET an event stream; its body, closed on the way out (which cancels a running job)."""
        response = self.request("GET", url, stream=True)
        with contextlib.closing(response):
            yield self.body(response)

    def body(self, response: requests.Response, *, piece: int | None = None) -> Body:
        """The body of a streamed response, read chunk by chunk within this call's deadline."""
        return Body(self.transport.timeouts, response, watch=self.watch, provider=self.provider, piece=piece)

    def sleep(self, seconds: float) -> None:
        """Wait between polls, on the deadline's clock; a cancellation cuts the wait short."""
        self.deadline.sleep(seconds, self.cancellation)
