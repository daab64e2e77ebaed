"""Planning a call: its checked request, and each provider to try in fallback order with its model and job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._core.catalog import (
    CATALOG,
    DEFAULT_CHAIN,
    DEFAULT_EDIT_CHAIN,
    ModelInfo,
    closest_model,
    editing_models,
    find_model,
)
from .._core.request import GENERATION_PARAMETERS, GenerationRequest, build_request
from .._core.spelling import advice
from ..errors import InvalidRequestError
from ..parameters import PARAMETERS, ProviderChoice
from ..providers import PROVIDERS, Job, Provider, provider_for
from .arguments import call_token, check_protocol, check_proxy, check_timeout
from .credits import check_credits, credits_step, is_repository
from .images import input_images

Step = tuple[Provider, str, Job]
"""A provider to try, the model it will run, and its job."""


@dataclass(frozen=True)
class Plan:
    """A checked call, made by ``Client.plan()`` and run by ``Client.run()``: the request and, for each
    provider in fallback order, its model and job."""

    request: GenerationRequest
    steps: tuple[Step, ...]
    token: str | None
    proxy: str | None
    timeout: float
    protocol: str

    @property
    def secrets(self) -> frozenset[str]:
        """Every token this call may send, to be masked in anything it raises."""
        credentials = (provider.credential(self.token) for provider, _, _ in self.steps)
        return frozenset(credential.token for credential in credentials if credential is not None)


@dataclass(frozen=True)
class CallDefaults:
    """What a client's calls use where a call gives nothing."""

    token: str | None
    proxy: str | None
    timeout: float
    protocol: str
    router: str | None = None
    """The Inference Providers router (None: ``$HFIMAGE_ROUTER_URL``, else Hugging Face's)."""
    credits: bool | str = False
    """What a call that does not say ``credits=`` spends: False, never."""


def make_plan(prompt: str, params: dict[str, Any], defaults: CallDefaults) -> Plan:
    """Check a call's parameters and decide its providers, sending nothing; InvalidRequestError for bad
    input, or for a parameter ``generate()`` does not have."""
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise InvalidRequestError(
            f"generate() has no parameter {unknown[0]!r}; it takes {', '.join(PARAMETERS)}.",
        )
    given = {name: params.get(name) for name in GENERATION_PARAMETERS if name != "image"}
    request = build_request(prompt, image=input_images(params.get("image")), **given)
    token, proxy, timeout, protocol = (params.get(name) for name in ("token", "proxy", "timeout", "protocol"))
    chosen_token = call_token(token, defaults.token)
    return Plan(
        request=request,
        steps=_all_steps(request, params, chosen_token, defaults),
        token=chosen_token,
        proxy=check_proxy(proxy) or defaults.proxy,
        timeout=check_timeout(timeout) or defaults.timeout,
        protocol=defaults.protocol if protocol is None else check_protocol(protocol),
    )


def _all_steps(
    request: GenerationRequest, params: dict[str, Any], token: str | None, defaults: CallDefaults
) -> tuple[Step, ...]:
    """The free providers of the call, then, when it (or its client) says ``credits=``, the model's
    Inference Providers."""
    given = params.get("credits")
    credits, router = check_credits(defaults.credits if given is None else given), defaults.router
    model, choice = params.get("model"), _choice(params.get("provider"), params.get("space"))
    if is_repository(model):
        if not credits or choice is not None:
            raise InvalidRequestError(
                f"{model!r} names a model repository, which hfimage runs only on Inference Providers, on your "
                f"credits: pass {advice('credits=True', '--credits')} (and no space or provider). To use a space, "
                f"name it with {advice('space=', '--space ')}'owner/name'."
            )
        return (credits_step(request, credits, str(model).strip(), token, router),)
    steps = _steps(request, model, choice)
    if not credits:
        return steps
    served = _catalog_model(model if model is not None else steps[0][1])
    return (*steps, credits_step(request, credits, served, token, router))


def _catalog_model(name: object) -> ModelInfo | None:
    try:
        return find_model(name)
    except InvalidRequestError:
        return None


def first_space_of_model(space: object) -> object:
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


def _choice(provider: ProviderChoice | None, space: ProviderChoice | None) -> ProviderChoice | None:
    if provider is not None and space is not None:
        raise InvalidRequestError("Give provider= or space=, not both: they name the same thing.")
    return provider if provider is not None else space


def _steps(request: GenerationRequest, model: str | None, provider: ProviderChoice | None) -> tuple[Step, ...]:
    """Each provider to try, in order, with the model it runs and its job; InvalidRequestError if none can
    take the request. With neither model nor provider, the default chain's providers that take it."""
    if model is not None or provider is not None:
        candidates = _candidates(model, provider)
        for chosen, name in candidates:
            _check_task(request, chosen, find_model(name) if model is not None else None)
        return tuple((chosen, name, chosen.prepare(request)) for chosen, name in candidates)
    chain = DEFAULT_EDIT_CHAIN if request.image else DEFAULT_CHAIN
    steps: list[Step] = []
    refusals: list[InvalidRequestError] = []
    for name in chain:
        for chosen, model_name in _candidates(name, None):
            try:
                steps.append((chosen, model_name, chosen.prepare(request)))
            except InvalidRequestError as refused:
                refusals.append(refused)
    if not steps:
        raise InvalidRequestError(
            f"No model of the default chain ({', '.join(chain)}) takes this request: "
            f"{refusals[0]} Name a model or a space that does "
            f"(see {advice('hfimage.models()', '`hfimage models`')})."
        )
    return tuple(steps)


def _check_task(request: GenerationRequest, provider: Provider, model: ModelInfo | None) -> None:
    """InvalidRequestError naming the models that fit, for an image given to what makes images from text
    alone, or none given to what edits one. A space hfimage knows nothing of is left to its app to say."""
    edits = model.edits if model is not None else _edits(provider)
    name = model.name if model is not None else provider.name
    if request.image and (
        edits is False or (model is None and provider.takes is not None and "image" not in provider.takes)
    ):
        raise InvalidRequestError(
            f"{name} makes images from text; it takes no input image. To edit an image, use model= "
            f"{' or '.join(map(repr, editing_models()))}, or leave model out: with {advice('image=', '--image')} "
            "hfimage picks an editing model.",
            provider=provider.name,
        )
    if not request.image and edits:
        raise InvalidRequestError(
            f"{name} edits an image: pass the image with {advice('image=', '--image')} (a file's path, bytes, a "
            f"URL...). To make an image from text alone, use {' or '.join(map(repr, DEFAULT_CHAIN))}, or leave "
            "model out.",
            provider=provider.name,
        )


def _edits(provider: Provider) -> bool | None:
    """Whether a provider's models edit images: None when the catalog does not know them all one way."""
    kinds = {info.edits for info in CATALOG if info.name in provider.models}
    return kinds.pop() if len(kinds) == 1 else None


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
