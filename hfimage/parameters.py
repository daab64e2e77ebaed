"""The keyword parameters every generation call takes, declared once: their types, their help, the
signature ``help()`` and editors show for each function that takes them, and the checks of the
arguments that travel beside them (``on_event``, a batch's prompts)."""

from __future__ import annotations

import inspect
import os
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any, BinaryIO, TypedDict, TypeVar, get_type_hints

from .errors import InvalidRequestError
from .providers import Provider
from .results import Image, Preview

ProviderChoice = str | Provider | Sequence[str | Provider]
ImageArgument = str | os.PathLike[str] | bytes | BinaryIO | Image | Preview | Any
"""An image to send: a file's path, bytes, a binary file, an earlier result, an http(s) URL, or a Pillow image."""


class _Picture(TypedDict, total=False):
    model: str | None
    provider: ProviderChoice | None
    space: ProviderChoice | None
    negative_prompt: str | None
    width: int | None
    height: int | None
    aspect_ratio: str | None
    steps: int | None
    guidance_scale: float | None
    seed: int | None


class _Images(TypedDict, total=False):
    image: ImageArgument | Sequence[ImageArgument] | None


class _CallOptions(TypedDict, total=False):
    token: str | None
    proxy: str | None
    timeout: float | None
    protocol: str | None
    credits: bool | str | None


class GenerateParams(_Picture, _Images, _CallOptions, total=False):
    """The keyword parameters of ``generate()``, ``stream()``, ``generate_many()`` and ``plan()``."""


class EditParams(_Picture, _CallOptions, total=False):
    """The keyword parameters of ``edit()``: ``generate()``'s, but the image, which it takes first."""


PARAMETERS: tuple[str, ...] = tuple(GenerateParams.__annotations__)
"""The names of ``generate()``'s keyword parameters, in order: the one list the others are checked against."""

PARAMETERS_HELP = """
Parameters (all optional but the prompt; None means "the default"):
    model: a model's name or alias (None: the first of a chain of fast models that works; a
        model named here never falls back to another). ``hfimage.models()`` lists them.
    provider: a built-in provider's name, a space id or URL, a ``Space``, or a list of them to
        try in order.
    space: the same, for a space id (``owner/name``) or URL.
    negative_prompt: what the image should not show.
    width, height: the size in pixels; or aspect_ratio ("16:9"...), not both.
    steps, guidance_scale: the sampler's steps and guidance.
    seed: a whole number for a reproducible image (None: the provider picks one).
    image: the image to edit: a file's path, bytes, a binary file, a Pillow image, an earlier
        ``Image`` or an http(s) URL; a list of them for apps that take several. Checked (and
        each file read) before anything is sent; ``model=None`` then picks an editing model.
    token: a Hugging Face token (default: HF_TOKEN, else the one ``hf auth login`` saved).
    proxy: a proxy URL for every request of the call.
    timeout: seconds for the whole call, every attempt included (default 300).
    protocol: "auto" (default), "queue" or "call": the Gradio route.
    credits: False (default: never spend credits); True: when the free spaces fail (or for
        model="owner/name", a repository), the model's Inference Providers on your token's
        credits, in your order of preference; or one provider's name ("fal-ai").

Raises InvalidRequestError (also a ValueError) for bad input, before anything is sent; the
other failures are typed hfimage errors (see ``hfimage.errors``).
"""

Function = TypeVar("Function", bound=Callable[..., Any])

_NAMED = [
    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
    for name, annotation in get_type_hints(GenerateParams).items()
]
"""The parameters as a signature shows them, worked out once for every function ``documented`` marks."""


def documented(function: Function) -> Function:
    """``function`` with the generation parameters in its signature (in place of ``**params``) and
    their help in its docstring, so that ``help()`` and editors show them."""
    signature = inspect.signature(function)
    kept = [parameter for parameter in signature.parameters.values() if parameter.kind is not parameter.VAR_KEYWORD]
    named = [parameter for parameter in _NAMED if parameter.name not in signature.parameters]
    function.__signature__ = signature.replace(parameters=[*kept, *named])  # type: ignore[attr-defined]
    doc = function.__doc__ or ""
    lines = [line for line in doc.splitlines()[1:] if line.strip()]
    indent = min((len(line) - len(line.lstrip()) for line in lines), default=0) * " "
    function.__doc__ = doc.rstrip() + "\n" + textwrap.indent(PARAMETERS_HELP, indent)
    return function


def check_callback(on_event: object) -> None:
    """InvalidRequestError, before anything is sent, for an ``on_event`` that cannot be called."""
    if on_event is not None and not callable(on_event):
        raise InvalidRequestError(
            f"on_event must be a function taking each event (e.g. print); got {type(on_event).__name__}."
        )


def check_prompts(prompts: object) -> list[str]:
    """The prompts of a batch as a list; InvalidRequestError for one string (which would make one image per
    character) or anything that is not an iterable of prompts."""
    if isinstance(prompts, (str, bytes)):
        raise InvalidRequestError(
            "generate_many() takes a list of prompts; got one string. Pass [prompt] for one image, or use generate()."
        )
    if not isinstance(prompts, Iterable):
        raise InvalidRequestError(f"generate_many() takes a list of prompts; got {type(prompts).__name__}.")
    return list(prompts)
