"""The opt-in last resort of a call: the model's Inference Providers, on the caller's own credits.

Nothing here spends a credit unless the call says ``credits=True`` (every live provider, in the
caller's order of preference) or ``credits="fal-ai"`` (that provider alone). Each check raises
InvalidRequestError before anything is sent.
"""

from __future__ import annotations

from .._core.catalog import ModelInfo
from .._core.request import GenerationRequest
from .._core.spelling import advice
from .._protocols.hub import is_space_id
from .._protocols.router import WIRES
from ..errors import InvalidRequestError
from ..providers import Job, Provider
from ..providers.credits import InferenceProviders

Step = tuple[Provider, str, Job]


def check_credits(credits: object) -> bool | str:
    """``credits=`` as given: False (never spend), True (any live provider), or one provider's name."""
    if credits is None or credits is False:
        return False
    if credits is True:
        return True
    if isinstance(credits, str) and credits in WIRES:
        return credits
    raise InvalidRequestError(
        f"credits must be False (the default: never spend credits), True (any Inference Provider that serves the "
        f"model) or one provider's name: {', '.join(WIRES)}; got {credits!r:.100}."
    )


def is_repository(model: object) -> bool:
    """Whether ``model`` names a Hugging Face model repository (``owner/name``): no catalog name has a slash."""
    return isinstance(model, str) and is_space_id(model.strip())


def credits_step(
    request: GenerationRequest,
    credits: bool | str,
    model: ModelInfo | str | None,
    token: str | None,
    router: str | None,
) -> Step:
    """The step that runs the model (a catalog model, or a repository by id) on Inference Providers.

    Raises InvalidRequestError without a token (credits are an account's), for an image (the router
    is reached for text-to-image only), or for a model hfimage knows no repository of.
    """
    if token is None:
        raise InvalidRequestError(
            "credits= spends the Inference Providers credits of a Hugging Face account: give its token "
            f"({advice('token=, HF_TOKEN', 'HF_TOKEN')}, or `hf auth login`)."
        )
    if request.image:
        raise InvalidRequestError(
            "credits= reaches Inference Providers for text-to-image only; to edit an image, leave credits out."
        )
    repo = model if isinstance(model, str) else model.repo if model is not None else None
    if repo is None:
        named = model.name if isinstance(model, ModelInfo) else "this space"
        raise InvalidRequestError(
            f"credits=: hfimage knows no Hugging Face repository for {named}, so no Inference Provider can be "
            "asked. Name one with model='owner/name'."
        )
    provider = InferenceProviders(repo, only=credits if isinstance(credits, str) else None, router=router)
    name = model.name if isinstance(model, ModelInfo) else repo
    return provider, name, provider.prepare(request)
