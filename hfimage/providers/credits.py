"""A model's Inference Providers, on the caller's own credits: asked only when the call says ``credits=``."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from typing import ClassVar

from .._core.request import GenerationRequest
from .._core.spaces import SIZES
from .._http.auth import Credential
from .._http.urls import origin
from .._protocols.hub import ProviderMapping
from .._protocols.output import Failed, Output
from .._protocols.router import DEFAULT_ROUTER, ROUTER_VARIABLE, WIRES, generate
from ..errors import AuthenticationError, CallCancelledError, HFImageError, InvalidRequestError, ProviderError
from ..results import Event, Status
from .base import Job, Provider, RunContext

VIA = "via Inference Providers"
ROUTER_PROVIDERS: tuple[str, ...] = tuple(WIRES)
"""The Inference Providers hfimage can call for text-to-image, by the names the Hub gives them."""
__all__ = ["ROUTER_PROVIDERS", "ROUTER_VARIABLE", "InferenceProviders", "ProviderMapping", "router_url"]


def router_url(given: str | None = None) -> str:
    """The router calls go to: ``given``, else ``$HFIMAGE_ROUTER_URL``, else Hugging Face's."""
    return (given or os.environ.get(ROUTER_VARIABLE) or DEFAULT_ROUTER).rstrip("/")


class InferenceProviders(Provider):
    """The Inference Providers that serve a model's Hugging Face repository, tried in the caller's order of
    preference (the Hub's mapping of the repository), each on the caller's credits; ``only`` names the one
    provider to use. Raises AuthenticationError when the router refuses the token (no other provider is
    tried: they share it), and ProviderError when no live provider serves the model for text-to-image."""

    label: ClassVar[str] = "Inference Providers"
    default_url: ClassVar[str] = DEFAULT_ROUTER
    takes = SIZES | {"negative_prompt", "steps", "guidance_scale", "seed"}
    zerogpu = False
    ends_call_on_authentication = True

    def __init__(self, repo: str, *, only: str | None = None, router: str | None = None) -> None:
        super().__init__(router_url(router))
        self.repo = repo
        self.only = only

    @property
    def name(self) -> str:
        return f"{self.only} {VIA}" if self.only else self.label

    @property
    def models(self) -> tuple[str, ...]:
        return (self.repo,)

    def credential(self, client_token: str | None) -> Credential | None:
        """The caller's token, to the router and the Hub (a router of your choosing included)."""
        if client_token is None:
            return None
        return Credential(client_token, own_origin=None if self.url == DEFAULT_ROUTER else origin(self.url))

    def prepare(self, request: GenerationRequest) -> Job:
        self.check(request)
        width, height = request.size(default=(1024, 1024))
        return Job((), width, height, request.seed, request=request)

    def run(self, job: Job, context: RunContext) -> Iterator[Output | Event | Failed]:
        request = job.request
        if request is None:
            raise InvalidRequestError(f"{self.name}: this job was not prepared by this provider.")
        for entry in self._live(context):
            name = f"{entry.provider} {VIA}"
            channel = dataclasses.replace(context.channel, provider=name)
            yield Status(name, "Queued")
            try:
                for item in generate(channel, self.url, entry.provider, entry.provider_id, request):
                    yield dataclasses.replace(item, provider=name) if isinstance(item, Output) else item
                return
            except (AuthenticationError, CallCancelledError, InvalidRequestError):
                raise
            except HFImageError as failed:
                if context.channel.deadline.expired:
                    raise
                yield Failed(name, failed)

    def _live(self, context: RunContext) -> list[ProviderMapping]:
        mapping = context.hub.provider_mapping(context.channel, self.repo)
        live = [entry for entry in mapping if entry.makes_images and entry.provider in WIRES
                and (self.only is None or entry.provider == self.only)]  # fmt: skip
        if not live:
            listed = ", ".join(f"{entry.provider} ({entry.status}, {entry.task})" for entry in mapping) or "none"
            wanted = f" through {self.only}" if self.only else ""
            raise ProviderError(
                f"No Inference Provider serves {self.repo} for text-to-image{wanted} now (the Hub lists: {listed}). "
                "Pick another model, or another provider with credits=.",
                provider=self.name,
            )
        return live

    def __repr__(self) -> str:
        return f"InferenceProviders({self.repo!r}, only={self.only!r}, router={self.url!r})"
