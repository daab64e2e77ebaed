"""The keyword parameters every generation call takes, declared once: their types, their help, and
the signature ``help()`` and editors show for each function that takes them."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, TypedDict, TypeVar, get_type_hints

from .providers import Provider

ProviderChoice = str | Provider | Sequence[str | Provider]


class GenerateParams(TypedDict, total=False):
    """The keyword parameters of ``generate()``, ``stream()``, ``generate_many()`` and ``plan()``."""

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
    token: str | None
    proxy: str | None
    timeout: float | None
    protocol: str | None


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
    token: a Hugging Face token (default: HF_TOKEN, else the one ``hf auth login`` saved).
    proxy: a proxy URL for every request of the call.
    timeout: seconds for the whole call, every attempt included (default 300).
    protocol: "auto" (default), "queue" or "call": the Gradio route.

Raises InvalidRequestError (also a ValueError) for bad input, before anything is sent; the
other failures are typed hfimage errors (see ``hfimage.errors``).
"""

Function = TypeVar("Function", bound=Callable[..., Any])


def documented(function: Function) -> Function:
    """``function`` with the generation parameters in its signature (in place of ``**params``) and
    their help in its docstring, so that ``help()`` and editors show them."""
    signature = inspect.signature(function)
    kept = [parameter for parameter in signature.parameters.values() if parameter.kind is not parameter.VAR_KEYWORD]
    named = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
        for name, annotation in get_type_hints(GenerateParams).items()
    ]
    function.__signature__ = signature.replace(parameters=[*kept, *named])  # type: ignore[attr-defined]
    doc = function.__doc__ or ""
    lines = [line for line in doc.splitlines()[1:] if line.strip()]
    indent = min((len(line) - len(line.lstrip()) for line in lines), default=0) * " "
    function.__doc__ = doc.rstrip() + "\n" + textwrap.indent(PARAMETERS_HELP, indent)
    return function
