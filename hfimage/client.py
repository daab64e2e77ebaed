"""The client: picks providers, falls back between them, and holds one deadline per call."""

from __future__ import annotations

import dataclasses
import logging
import math
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._core.batch import check_count, run_many
from ._core.cancel import Cancellation
from ._core.catalog import CATALOG, DEFAULT_CHAIN, ModelInfo, closest_model, find_model
from ._core.deadline import Deadline
from ._core.disk_cache import DiskCache, cache_folder
from ._core.lazy import Lazy
from ._core.quota_memory import QuotaMemory, zerogpu_key
from ._core.request import GENERATION_PARAMETERS, GenerationRequest, build_request
from ._core.spelling import advice
from ._core.text import handed_over, mask
from ._http.auth import Credential, check_token, saved_token, token_from_environment
from ._http.download import CallScope, ImageSource
from ._http.transport import POOL_SIZE, Channel, Transport
from ._protocols.gradio.directory import SpaceDirectory
from ._protocols.hub import Hub
from ._protocols.output import Output
from .errors import (
    AllProvidersFailedError,
    Attempt,
    AuthenticationError,
    CallCancelledError,
    HFImageError,
    InvalidRequestError,
    ProtocolError,
    QuotaExceededError,
    without_secrets,
)
from .inspection import SpaceDescription, describe
from .parameters import PARAMETERS, GenerateParams, ProviderChoice, check_callback, check_prompts, documented
from .providers import PROTOCOLS, PROVIDERS, Job, Provider, RunContext, Space, provider_for
from .results import Event, Image, Preview, ZeroGPUQuota

if TYPE_CHECKING:
    from typing_extensions import Unpack

log = logging.getLogger("hfimage")

DEFAULT_TIMEOUT = 300.0
"""Seconds one call may take, every attempt included, unless ``timeout=`` says otherwise."""
INSPECT_TIMEOUT = 30.0
"""Seconds ``inspect()`` may take unless told otherwise: it reads two small documents."""


EventCallback = Callable[[Event], object]


_Step = tuple[Provider, str, Job]
"""A provider to try, the model it will run, and its job."""


@dataclass(frozen=True)
class Plan:
    """A checked call, made by ``Client.plan()`` and run by ``Client.run()``: the request and, for each
    provider in fallback order, its model and job."""

    request: GenerationRequest
    steps: tuple[_Step, ...]
    token: str | None
    proxy: str | None
    timeout: float
    protocol: str

    @property
    def secrets(self) -> set[str]:
        """Every token this call may send, to be masked in anything it raises."""
        credentials = (provider.credential(self.token) for provider, _, _ in self.steps)
        return {credential.token for credential in credentials if credential is not None}


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
    in the folder given, or nowhere when False. Use it as a context manager, or call ``close()``.
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
    ) -> None:
        self._token = check_token(token, "token=")
        disk = _disk_cache(cache)
        self.proxy = _check_proxy(proxy)
        self.timeout = _check_timeout(timeout)
        self.protocol = _check_protocol(protocol)
        self._transport = Transport(max_connections=check_count("max_connections", max_connections))
        self._spaces = SpaceDirectory(disk)
        self._hub = Hub(hub_url, disk)
        self._quota = quota if quota is not None else QuotaMemory()
        self._on_zerogpu: set[str] = set()
        """Providers found on ZeroGPU by their errors."""
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
        self.check_batch(concurrency, params)
        return run_many(
            len(prompts),
            lambda index, cancellation: final_image(self.run(self.plan(prompts[index], **params), cancellation)),
            concurrency=concurrency,
        )

    def check_batch(self, concurrency: object, params: GenerateParams) -> int:
        """The concurrency, checked with the parameters before anything is sent: InvalidRequestError for
        either when it is wrong for every prompt."""
        self.plan("a check of the parameters", **params)
        return check_count("concurrency", concurrency)

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
        if self._closed:
            raise InvalidRequestError("This Client is closed; create a new one.")
        provider = provider_for(_first_space_of_model(space))
        if not isinstance(provider, Space):
            raise InvalidRequestError(f"{provider.name} is not a Gradio space: only spaces can be inspected.")
        call_token = check_token(token, "token=") or self._token or token_from_environment()
        credential = provider.credential(call_token)
        deadline = self._lookup_deadline(timeout)
        channel = Channel(self._transport, deadline, provider.name, credential, _check_proxy(proxy) or self.proxy)
        try:
            info, binding = provider.describe(RunContext(channel, self._spaces, self._hub, self.protocol))
        except HFImageError as error:
            raise handed_over(error, {credential.token} if credential else set()) from error.__cause__
        return describe(provider.name, info, binding, frozenset(provider.defaults))

    def _lookup_deadline(self, timeout: object) -> Deadline:
        """The deadline of a look-up that runs no job (``inspect()``, ``quota()``)."""
        return Deadline(_check_timeout(timeout) or self.timeout or INSPECT_TIMEOUT)

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
        deadline = self._lookup_deadline(timeout)
        channel = Channel(self._transport, deadline, "the Hub", Credential(token), self.proxy)
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
        if self._closed:
            raise InvalidRequestError("This Client is closed; create a new one.")
        unknown = sorted(set(params) - set(PARAMETERS))
        if unknown:
            raise InvalidRequestError(
                f"generate() has no parameter {unknown[0]!r}; it takes {', '.join(PARAMETERS)}.",
            )
        given: dict[str, Any] = dict(params)
        request = build_request(prompt, **{name: given.get(name) for name in GENERATION_PARAMETERS})
        token, proxy, timeout, protocol = (given.get(name) for name in ("token", "proxy", "timeout", "protocol"))
        return Plan(
            request=request,
            steps=_steps(request, given.get("model"), _choice(given.get("provider"), given.get("space"))),
            token=check_token(token, "token=") or self._token or token_from_environment(),
            proxy=_check_proxy(proxy) or self.proxy,
            timeout=_check_timeout(timeout) or self.timeout or DEFAULT_TIMEOUT,
            protocol=self.protocol if protocol is None else _check_protocol(protocol),
        )

    def run(self, plan: Plan, cancellation: Cancellation | None = None) -> Generator[Event, None, None]:
        """Run a planned call: its events, the final ``Image`` last, or a typed error with every token masked.

        ``cancellation``, when given, stops the call from another thread at once: its sockets are
        shut down and the generator ends.
        """
        call = CallScope(Deadline(plan.timeout), cancellation)
        try:
            yield from self._attempts(plan, call)
        except HFImageError as error:
            raise handed_over(error, plan.secrets) from error.__cause__
        finally:
            call.close()

    def _attempts(self, plan: Plan, call: CallScope) -> Iterator[Event]:
        deadline, cancellation = call.deadline, call.cancellation
        attempts: list[Attempt] = []
        resting: list[Attempt] = []
        for provider, model_name, job in plan.steps:
            if cancellation is not None:
                cancellation.check()
            credential = provider.credential(plan.token)
            channel = Channel(self._transport, deadline, provider.name, credential, plan.proxy, cancellation)
            context = RunContext(channel, self._spaces, self._hub, plan.protocol)
            rest = self._rest(provider, plan.token, context) if len(plan.steps) > 1 else None
            if rest is not None:
                resting.append(Attempt(provider.name, rest))
                continue
            fields: dict[str, Any] = {
                "prompt": plan.request.prompt,
                "negative_prompt": plan.request.negative_prompt,
                "model": model_name,
                "provider": provider.name,
                "width": job.width,
                "height": job.height,
                "_source": ImageSource(
                    self._transport, provider.name, credential, plan.proxy, plan.timeout, frozenset(plan.secrets), call
                ),
            }
            try:
                for output in provider.run(job, context):
                    if not isinstance(output, Output):
                        yield output
                        continue
                    seed = output.seed if output.seed is not None else job.seed
                    made = {**fields, "width": output.width or job.width, "height": output.height or job.height}
                    if not output.final:
                        yield Preview(url=output.url, seed=seed, **made)
                        continue
                    attempts.append(Attempt(provider.name))
                    yield Image(url=output.url, seed=seed, elapsed=deadline.elapsed, attempts=tuple(attempts), **made)
                    return
                raise ProtocolError(f"{provider.name} finished without an image.", provider=provider.name)
            except InvalidRequestError:
                raise
            except (HFImageError, Exception) as caught:
                if isinstance(caught, CallCancelledError):
                    raise
                error = caught if isinstance(caught, HFImageError) else _unexpected(caught, provider.name)
                attempts.append(Attempt(provider.name, error))
                if isinstance(error, QuotaExceededError):
                    self._remember(provider, plan.token, error)
                if len(plan.steps) == 1 or deadline.expired:
                    if error is caught:
                        raise
                    raise error from caught
                log.info("%s failed (%s); trying the next provider", provider.name, type(error).__name__)
        raise AllProvidersFailedError.from_attempts(attempts + resting)

    def _remember(self, provider: Provider, token: str | None, error: QuotaExceededError) -> None:
        """Note a quota error: the caller's ZeroGPU quota when it is shared (and the provider as on ZeroGPU),
        else the provider's own."""
        if error.shared:
            self._on_zerogpu.add(provider.key)
            self._quota.remember(zerogpu_key(token), error)
        else:
            self._quota.remember(provider.key, error)

    def _rest(self, provider: Provider, token: str | None, context: RunContext) -> QuotaExceededError | None:
        """Why to skip this provider now, if it must rest: its own quota ran out, or it is on ZeroGPU while
        the caller's ZeroGPU quota has (whether it is on ZeroGPU is asked of the Hub only then)."""
        own = _whole_seconds(self._quota.remaining(provider.key))
        if own is not None:
            return QuotaExceededError(
                f"{provider.name} reported that it is out of GPU quota; hfimage leaves it alone for {own:.0f} s more.",
                provider=provider.name,
                retry_after=own,
            )
        shared = _whole_seconds(self._quota.remaining(zerogpu_key(token)))
        if shared is None or not self._is_on_zerogpu(provider, context):
            return None
        return QuotaExceededError(
            f"{provider.name}: not asked, as your ZeroGPU quota is used up for {shared:.0f} s more "
            "(every ZeroGPU space shares it).",
            provider=provider.name,
            retry_after=shared,
            shared=True,
        )

    def _is_on_zerogpu(self, provider: Provider, context: RunContext) -> bool:
        if provider.key in self._on_zerogpu:
            return True
        if provider.zerogpu is not None:
            return provider.zerogpu
        return isinstance(provider, Space) and provider.on_zerogpu(context)


def _unexpected(exc: Exception, provider: str) -> HFImageError:
    """A failure hfimage did not foresee, as a failed attempt that the next provider can recover from."""
    return ProtocolError(
        f"{provider}: hfimage could not handle what it sent ({type(exc).__name__}: {exc}). "
        "Another provider may work; please report this to hfimage.",
        provider=provider,
    )


def _choice(provider: ProviderChoice | None, space: ProviderChoice | None) -> ProviderChoice | None:
    if provider is not None and space is not None:
        raise InvalidRequestError("Give provider= or space=, not both: they name the same thing.")
    return provider if provider is not None else space


def _steps(request: GenerationRequest, model: str | None, provider: ProviderChoice | None) -> tuple[_Step, ...]:
    """Each provider to try, in order, with the model it runs and its job; InvalidRequestError if none can
    take the request. With neither model nor provider, the default chain's providers that take it."""
    if model is not None or provider is not None:
        return tuple((chosen, name, chosen.prepare(request)) for chosen, name in _candidates(model, provider))
    steps: list[_Step] = []
    refusals: list[InvalidRequestError] = []
    for name in DEFAULT_CHAIN:
        for chosen, model_name in _candidates(name, None):
            try:
                steps.append((chosen, model_name, chosen.prepare(request)))
            except InvalidRequestError as refused:
                refusals.append(refused)
    if not steps:
        raise InvalidRequestError(
            f"No model of the default chain ({', '.join(DEFAULT_CHAIN)}) takes this request: "
            f"{refusals[0]} Name a model or a space that does "
            f"(see {advice('hfimage.models()', '`hfimage models`')})."
        )
    return tuple(steps)


def _candidates(model: str | None, provider: ProviderChoice | None) -> list[tuple[Provider, str]]:
    """The providers to try, in order, each with the model it will run."""
    info = find_model(model) if model is not None else None
    if provider is None:
        info = info or find_model(DEFAULT_CHAIN[0])
        return [(provider_for(name), info.name) for name in info.providers]
    items = list(provider) if isinstance(provider, (list, tuple)) else [provider]
    if not items:
        raise InvalidRequestError("provider= is an empty list; name at least one provider, or leave it out.")
    chosen = [provider_for(item) for item in items]
    for each in chosen:
        if info is not None and info.name not in each.models:
            raise InvalidRequestError(
                f"{each.name} does not serve model {info.name!r}; it serves {', '.join(each.models)}.",
                provider=each.name,
            )
    return [(each, info.name if info else each.models[0]) for each in chosen]


def _whole_seconds(wait: float | None) -> float | None:
    """A rest's time left, rounded up: what was announced (56 s) rather than what is left of it (55.9998 s)."""
    return None if wait is None else float(math.ceil(wait))


def _first_space_of_model(space: object) -> object:
    """A model's name stands for its first space (what ``inspect("z-image-turbo")`` describes)."""
    if isinstance(space, str) and "/" not in space and space not in PROVIDERS:
        try:
            return find_model(space).providers[0]
        except InvalidRequestError:
            close = closest_model(space)
            hint = f" Did you mean the model {close!r}?" if close else ""
            raise InvalidRequestError(
                f"{space!r} is not a space id (owner/name, such as 'Tongyi-MAI/Z-Image-Turbo'), a space's URL, "
                f"a built-in provider's name or a model's name.{hint} See "
                f"{advice('hfimage.models()', '`hfimage models`')} for the models."
            ) from None
    return space


def _check_protocol(protocol: object) -> str:
    if protocol not in PROTOCOLS:
        raise InvalidRequestError(f"protocol must be one of {', '.join(PROTOCOLS)}; got {protocol!r}.")
    return str(protocol)


def _check_proxy(proxy: object) -> str | None:
    if proxy is None:
        return None
    if not isinstance(proxy, str) or "://" not in proxy:
        raise InvalidRequestError(f"proxy must be a URL such as 'http://127.0.0.1:3128'; got {proxy!r}.")
    return proxy


def _disk_cache(cache: object) -> DiskCache | None:
    if cache is True:
        return DiskCache(cache_folder())
    if cache is False:
        return None
    if isinstance(cache, (str, os.PathLike)) and str(cache).strip():
        return DiskCache(Path(cache).expanduser())
    raise InvalidRequestError(f"cache must be True, False or a folder's path; got {cache!r}.")


def _check_timeout(timeout: object) -> float | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not math.isfinite(timeout) or timeout <= 0:
        raise InvalidRequestError(f"timeout must be a positive number of seconds; got {timeout!r}.")
    return float(timeout)


def final_image(events: Iterable[Event], on_event: EventCallback | None = None) -> Image:
    """The final ``Image`` of a call's events, handing each event to ``on_event`` first."""
    final = FinalImage()
    for event in events:
        if on_event is not None:
            on_event(event)
        final.see(event)
    return final.image()


class FinalImage:
    """Keeps the final image of a call's events (sync or async), and says so when there was none."""

    def __init__(self) -> None:
        self._image: Image | None = None

    def see(self, event: Event) -> None:
        if isinstance(event, Image):
            self._image = event

    def image(self) -> Image:
        if self._image is None:  # the events end with an Image or raise; this guards the contract
            raise ProtocolError("The call ended without an image.")
        return self._image


def models() -> tuple[ModelInfo, ...]:
    """Every model: its name, its aliases, and the providers that serve it, in fallback order."""
    return CATALOG


_default = Lazy(Client)


def default_client() -> Client:
    """The client behind the module-level functions, made on first use."""
    return _default.get()


@documented
def generate(prompt: str, *, on_event: EventCallback | None = None, **params: Unpack[GenerateParams]) -> Image:
    """Generate one image with the default client and return it.

    ``on_event``, if given, is called with every event as it comes (see ``stream()``).
    """
    return default_client().generate(prompt, on_event=on_event, **params)


@documented
def generate_many(
    prompts: Iterable[str], *, concurrency: int = 4, **params: Unpack[GenerateParams]
) -> list[Image | HFImageError]:
    """One image (or the error met) per prompt, in order, ``concurrency`` at a time, with the default
    client; see ``Client.generate_many()``."""
    return default_client().generate_many(prompts, concurrency=concurrency, **params)


def quota(*, timeout: float | None = None) -> ZeroGPUQuota:
    """The caller's ZeroGPU quota, with the default client; see ``Client.quota()``."""
    return default_client().quota(timeout=timeout)


def inspect(space: str | Provider, *, token: str | None = None, timeout: float | None = None) -> SpaceDescription:
    """What hfimage would do with a Gradio space, with the default client; see ``Client.inspect()``."""
    return default_client().inspect(space, token=token, timeout=timeout)


@documented
def stream(prompt: str, **params: Unpack[GenerateParams]) -> Iterator[Event]:
    """Stream one generation with the default client: progress and previews, then the final ``Image``."""
    return default_client().stream(prompt, **params)
