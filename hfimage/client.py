"""The client: the public face of a call. Planning, the fallback loop and quota rests live in ``_calls``;
the module-level functions, on a default client, in ``functions``."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Generator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from ._calls.arguments import call_token, check_protocol, check_proxy, check_router, check_timeout, disk_cache
from ._calls.credits import check_credits, is_repository
from ._calls.fallback import run_plan
from ._calls.final import EventCallback, FinalImage, final_image
from ._calls.images import with_images_checked
from ._calls.plan import CallDefaults, Plan, first_space_of_model, make_plan
from ._calls.rests import Rests
from ._core.batch import check_count, run_many
from ._core.cancel import Cancellation
from ._core.catalog import find_model
from ._core.quota_memory import QuotaMemory
from ._core.text import handed_over
from ._http.auth import Credential, check_token, saved_token
from ._http.call import CallContext
from ._http.transport import POOL_SIZE, Transport
from ._protocols.gradio.directory import AppDirectory
from ._protocols.hub import Hub, ProviderMapping
from ._secrets import mask, without_secrets
from .errors import AuthenticationError, HFImageError, InvalidRequestError
from .inspection import SpaceDescription, description_of
from .parameters import EditParams, GenerateParams, ImageArgument, check_callback, check_prompts, documented
from .providers import Provider, RunContext, Space, provider_for
from .results import Event, Image, ZeroGPUQuota

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "DEFAULT_TIMEOUT",
    "INSPECT_TIMEOUT",
    "POOL_SIZE",
    "Client",
    "EventCallback",
    "FinalImage",
    "Plan",
    "final_image",
]

DEFAULT_TIMEOUT = 300.0
"""Seconds one call may take, every attempt included, unless ``timeout=`` says otherwise."""
INSPECT_TIMEOUT = 30.0
"""Seconds ``inspect()`` may take unless told otherwise: it reads two small documents."""


class Client:
    """Generates images; keeps one HTTP session (and what it learnt of each space) across calls.

    ``token`` (else the ``HF_TOKEN`` environment variable) is sent to Hugging Face hosts only.
    ``proxy`` applies to every request. ``timeout`` is the deadline of each call, in seconds.
    ``protocol`` picks the Gradio route: ``"auto"`` (the queue route where the space offers
    it, else the call route), ``"queue"`` or ``"call"``. A provider that reports running out
    of GPU quota is skipped by this client's later calls, while others can serve, until its
    retry time has passed; when the quota that ran out is the caller's ZeroGPU quota, every
    ZeroGPU provider is skipped, since they all share it. ``max_connections`` is how many
    connections to each host it keeps open for reuse: at least the number of threads that call
    it at once. ``hub_url`` is the
    Hugging Face Hub to ask about spaces named by id (default: ``HF_ENDPOINT``, else
    https://huggingface.co); the token goes there only when it is Hugging Face's or chosen by
    you. ``cache`` keeps what spaces and the Hub said of themselves on disk for a day, so a new
    process need not ask again: in ``$HFIMAGE_CACHE`` (default ``~/.cache/hfimage``) when True,
    in the folder given, or nowhere when False. ``credits`` is what calls that do not say spend (see
    ``generate()``; default False: never), and ``router_url`` where they reach Inference Providers
    (default: ``HFIMAGE_ROUTER_URL``, else https://router.huggingface.co).
    Use it as a context manager, or call ``close()``.
    """

    def __init__(
        self,
        token: str | None = None,
        proxy: str | None = None,
        timeout: float | None = None,
        *,
        protocol: str = "auto",
        max_connections: int = POOL_SIZE,
        quota: QuotaMemory | None = None,
        hub_url: str | None = None,
        cache: bool | str | os.PathLike[str] = True,
        router_url: str | None = None,
        credits: bool | str = False,
    ) -> None:
        self._token = check_token(token, "token=")
        self.router_url = check_router(router_url)
        self.credits = check_credits(credits)
        disk = disk_cache(cache)
        self.proxy = check_proxy(proxy)
        self.timeout = check_timeout(timeout)
        self.protocol = check_protocol(protocol)
        self._transport = Transport(max_connections=check_count("max_connections", max_connections))
        self._apps = AppDirectory(disk)
        self._hub = Hub(hub_url, disk)
        self._rests = Rests(quota)
        self._closed = False

    def __repr__(self) -> str:
        token = mask(self._token) if self._token else None
        source = self.token_source
        proxy = without_secrets(self.proxy) if self.proxy is not None else None
        timeout = self.timeout or DEFAULT_TIMEOUT
        return f"Client(token={token!r}, proxy={proxy!r}, timeout={timeout!r}, token_source={source!r})"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP session. Images already made can still download their content."""
        self._closed = True
        self._transport.close()

    @documented
    def generate(
        self, prompt: str, *, on_event: EventCallback | None = None, **params: Unpack[GenerateParams]
    ) -> Image:
        """Generate one image and return it.

        ``on_event``, if given, is called with every event as it comes (queue position,
        progress, previews, the final image), as ``stream()`` would yield them.
        """
        check_callback(on_event)
        return final_image(self.run(self.plan(prompt, **params)), on_event=on_event)

    @documented
    def edit(
        self,
        image: ImageArgument | Sequence[ImageArgument],
        prompt: str,
        *,
        on_event: EventCallback | None = None,
        **params: Unpack[EditParams],
    ) -> Image:
        """Edit an image as the prompt says ("make it night"): ``generate()`` with ``image=`` (see it for
        the forms an image takes). Without ``model``, the default editing chain is tried. A missing
        file, bytes that are not an image, more images than the app's input takes, or a file over its
        upload limit raise InvalidRequestError before anything is sent to the app.
        """
        return self.generate(prompt, on_event=on_event, image=image, **params)

    @documented
    def generate_many(
        self, prompts: Iterable[str], *, concurrency: int = 4, **params: Unpack[GenerateParams]
    ) -> list[Image | HFImageError]:
        """Generate one image per prompt, ``concurrency`` at a time; one result per prompt, in order.

        Each result is an ``Image`` or the hfimage error that prompt met: one failure does not
        sink the batch. Parameters that are wrong for every prompt raise InvalidRequestError
        before anything is sent. Ctrl-C cancels the jobs still running. To keep one file per
        prompt, save each image into a folder: ``image.save("out/")`` names it after its
        prompt and seed (``image.save("out")`` would write every image to ``out.png``).
        """
        prompts = check_prompts(prompts)
        concurrency, shared = self.check_batch(concurrency, params)
        return run_many(
            len(prompts),
            lambda index, cancellation: final_image(self.run(self.plan(prompts[index], **shared), cancellation)),
            concurrency=concurrency,
        )

    def check_batch(self, concurrency: object, params: GenerateParams) -> tuple[int, GenerateParams]:
        """The concurrency and the parameters a batch's calls share, checked before anything is sent,
        their images read once for every prompt (a file that cannot seek is read only once):
        InvalidRequestError for either when it is wrong for every prompt."""
        shared = with_images_checked(params)
        self.plan("a check of the parameters", **shared)
        return check_count("concurrency", concurrency), shared

    @documented
    def stream(self, prompt: str, **params: Unpack[GenerateParams]) -> Iterator[Event]:
        """Generate one image, yielding events as they come: previews, then the final ``Image``.

        Everything is checked before the first request: bad input raises InvalidRequestError
        here, not later. Other failures are typed hfimage errors raised while iterating. When a
        provider fails for a reason the next may not share, the next one serving the model is
        tried with the same parameters; ``timeout`` covers all attempts. Stopping the iteration
        early closes the connection, which cancels the job.
        """
        return self.run(self.plan(prompt, **params))

    def inspect(
        self, space: str | Provider, *, token: str | None = None, proxy: str | None = None, timeout: float | None = None
    ) -> SpaceDescription:
        """What hfimage would do with a Gradio space (an id, a URL, a built-in provider's name, a
        model's name for its first space, or a ``Space``): the endpoint it calls and what feeds each
        of the app's inputs. Runs no job.

        Raises InvalidRequestError when the space has no endpoint hfimage can drive (the message
        says what each lacks), and the errors ``generate()`` raises for a space that cannot be
        reached, is not found, paused or not a Gradio app.
        """
        self._check_open()
        provider = provider_for(first_space_of_model(space))
        if not isinstance(provider, Space):
            raise InvalidRequestError(f"{provider.name} is not a Gradio space: only spaces can be inspected.")
        credential = provider.credential(call_token(token, self._token))
        call = self._lookup(timeout, check_proxy(proxy) or self.proxy)
        try:
            app, binding = provider.inspect(
                RunContext(call.channel(provider.name, credential), self._apps, self._hub, self.protocol)
            )
        except HFImageError as error:
            raise handed_over(error, {credential.token} if credential else set()) from error.__cause__
        return description_of(provider.name, app, binding, frozenset(provider.defaults))

    def ping(self, provider: str | Provider, *, timeout: float | None = None) -> tuple[str, str | None]:
        """Whether a provider answers now, runs no job: a space's app description is read as ``inspect()``
        reads it (through the Hub where the space is found there), another provider's front page is
        fetched. Returns the URL that answered and, for a space, its Gradio version; raises the typed
        error of what failed."""
        chosen = provider_for(provider)
        if isinstance(chosen, Space):
            description = self.inspect(chosen, timeout=timeout)
            return description.url, description.gradio_version
        call = self._lookup(timeout, self.proxy)
        credential = chosen.credential(call_token(None, self._token))
        call.channel(chosen.name, credential).request("GET", chosen.url).close()
        return chosen.url, None

    def inference_providers(self, model: str, *, timeout: float | None = None) -> tuple[ProviderMapping, ...]:
        """The Inference Providers the Hub maps a model to (a catalog model's name, or a repository
        ``owner/name``), in the order calls with ``credits=True`` try them (the token's account's
        preference): each one's ``provider``, its own ``provider_id``, ``status`` and ``task``;
        ``makes_images`` says whether it serves text-to-image now. Spends no credit.

        Raises InvalidRequestError for a model the catalog or the Hub does not know, and what reaching
        the Hub raises.
        """
        repo = model.strip() if is_repository(model) else find_model(model).repo
        if repo is None:
            raise InvalidRequestError(f"{model} has no Hugging Face repository that Inference Providers serve.")
        token = self._token if self._token is not None else saved_token()[0]
        channel = self._lookup(timeout, self.proxy).channel("the Hub", Credential(token) if token else None)
        try:
            return self._hub.provider_mapping(channel, repo)
        except HFImageError as error:
            raise handed_over(error, {token} if token else set()) from error.__cause__

    def resting(self, provider: str | Provider) -> float | None:
        """Seconds a provider rests after a quota error it (or, on ZeroGPU, any space) reported, as far as
        this client knows without asking; None when it may be asked now."""
        token = self._token if self._token is not None else saved_token()[0]
        return self._rests.resting(provider_for(provider), token)

    def _lookup(self, timeout: object, proxy: str | None) -> CallContext:
        """The context of a look-up that runs no job (``inspect()``, ``quota()``)."""
        return CallContext(
            self._transport, timeout=check_timeout(timeout) or self.timeout or INSPECT_TIMEOUT, proxy=proxy
        )

    def _check_open(self) -> None:
        if self._closed:
            raise InvalidRequestError("This Client is closed; create a new one.")

    @property
    def token_source(self) -> str | None:
        """Where this client's token comes from: ``token=``, ``HF_TOKEN``, the token file ``hf auth login``
        wrote...; None when calls go without one (anonymous ZeroGPU quota). Never the token itself."""
        return "token=" if self._token is not None else saved_token()[1]

    def quota(self, *, timeout: float | None = None) -> ZeroGPUQuota:
        """The caller's ZeroGPU quota, from the Hub: seconds used, the day's total, when it resets.

        Raises AuthenticationError before sending anything when there is no token (anonymous
        quota is per address, and the Hub does not report it), or when the Hub refuses the token.
        """
        token, source = (self._token, "token=") if self._token is not None else saved_token()
        if token is None:
            raise AuthenticationError(
                "The ZeroGPU quota belongs to a Hugging Face account: give a token (token=, HF_TOKEN, or "
                "`hf auth login`) to see it. Without one, calls share the anonymous quota of your address."
            )
        channel = self._lookup(timeout, self.proxy).channel("the Hub", Credential(token))
        try:
            found = self._hub.zerogpu_quota(channel)
        except HFImageError as error:
            raise handed_over(error, {token}) from error.__cause__
        return dataclasses.replace(found, token_source=source)

    @documented
    def plan(self, prompt: str, **params: Unpack[GenerateParams]) -> Plan:
        """Check a call and decide its providers, without sending anything; run it with ``run()``.

        Takes ``stream()``'s parameters. Raises InvalidRequestError for bad input, or for a
        parameter ``generate()`` does not have.
        """
        self._check_open()
        defaults = CallDefaults(
            self._token, self.proxy, self.timeout or DEFAULT_TIMEOUT, self.protocol, self.router_url, self.credits
        )
        return make_plan(prompt, dict(params), defaults)

    def run(self, plan: Plan, cancellation: Cancellation | None = None) -> Generator[Event, None, None]:
        """Run a planned call: its events, the final ``Image`` last, or a typed error with every token masked.

        ``cancellation``, when given, stops the call from another thread at once: its sockets are
        shut down and the generator ends.
        """
        call = CallContext(
            self._transport,
            timeout=plan.timeout,
            token=plan.token,
            proxy=plan.proxy,
            cancellation=cancellation,
            secrets=plan.secrets,
        )
        try:
            yield from run_plan(plan, call, self._apps, self._hub, self._rests)
        except HFImageError as error:
            raise handed_over(error, call.secrets) from error.__cause__
        finally:
            call.close()
