"""Hugging Face Inference Providers, through the router, on the caller's credits: each provider's
text-to-image route, payload and answer, as huggingface_hub's ``InferenceClient`` sends and reads them.

Every request goes to ``{router}/{provider}/...`` with the caller's token. A provider answers with the
image's bytes (hf-inference), with its bytes in base64 (together, nscale), with a URL to fetch
(fal-ai, replicate), or with a task to poll until it names a URL (wavespeed, zai-org). Parameters
left unset are not sent. HTTP 402 means the account's credits are spent: ``CreditsDepletedError``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .._core.request import GenerationRequest
from .._core.server_data import reading
from .._http.channel import Channel
from .._http.errors import read_json
from .._http.urls import server_url
from ..errors import CreditsDepletedError, HFImageError, ProtocolError, ProviderError
from ..results import Event, Status
from .output import Output
from .poll import PollSchedule, polls

DEFAULT_ROUTER = "https://router.huggingface.co"
ROUTER_VARIABLE = "HFIMAGE_ROUTER_URL"
POLLING = PollSchedule(first=0.25, step=0.25, ceiling=1.0)
"""How often a task is asked after: huggingface_hub asks every half second."""
_PATH = re.compile(r"/[A-Za-z0-9._~/-]{1,400}")
_DEPLETED_ADVICE = (
    "The Hugging Face account has no Inference Providers credits left: PRO accounts get monthly credits, "
    "and pre-paid credits can be bought at https://huggingface.co/settings/billing."
)

Payload = Callable[[str, dict[str, Any], str], dict[str, Any]]


@dataclass(frozen=True)
class Wire:
    """A provider's text-to-image wire: the route under ``{router}/{provider}`` for its model id, the JSON it
    is sent (from the prompt, the parameters that are set, and its model id), extra headers, and how its
    answer gives the image."""

    route: Callable[[str], str]
    payload: Payload
    answer: str
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)


def _fal(prompt: str, parameters: dict[str, Any], provider_id: str) -> dict[str, Any]:
    payload = {"prompt": prompt, **parameters}
    if "width" in payload and "height" in payload:
        payload["image_size"] = {"width": payload.pop("width"), "height": payload.pop("height")}
    return payload


def _replicate(prompt: str, parameters: dict[str, Any], provider_id: str) -> dict[str, Any]:
    payload: dict[str, Any] = {"input": {"prompt": prompt, **parameters}}
    if ":" in provider_id:
        payload["version"] = provider_id.split(":", 1)[1]
    return payload


def _together(prompt: str, parameters: dict[str, Any], provider_id: str) -> dict[str, Any]:
    renamed = {("steps" if name == "num_inference_steps" else name): value for name, value in parameters.items()}
    return {"prompt": prompt, "response_format": "base64", **renamed, "model": provider_id}


def _nscale(prompt: str, parameters: dict[str, Any], provider_id: str) -> dict[str, Any]:
    given = {name: value for name, value in parameters.items() if name not in ("num_inference_steps", "cfg_scale")}
    if "width" in given and "height" in given:
        given["size"] = f"{given.pop('width')}x{given.pop('height')}"
    return {"response_format": "b64_json", "prompt": prompt, "model": provider_id, **given}


def _zai(prompt: str, parameters: dict[str, Any], provider_id: str) -> dict[str, Any]:
    given = dict(parameters)
    width, height = given.pop("width", None), given.pop("height", None)
    size = {"size": f"{width}x{height}"} if width is not None and height is not None else {}
    return {"model": provider_id, "prompt": prompt, **size, **given}


WIRES: Mapping[str, Wire] = {
    "hf-inference": Wire(lambda model: f"/models/{model}", lambda p, given, _: {"inputs": p, "parameters": given},
                         "bytes"),
    "fal-ai": Wire(lambda model: f"/{model}", _fal, "images-url"),
    "replicate": Wire(lambda model: "/v1/predictions" if ":" in model else f"/v1/models/{model}/predictions",
                      _replicate, "output-url", {"Prefer": "wait"}),
    "together": Wire(lambda model: "/v1/images/generations", _together, "base64"),
    "nscale": Wire(lambda model: "/v1/images/generations", _nscale, "base64"),
    "wavespeed": Wire(lambda model: f"/api/v3/{model}", lambda p, given, _: {"prompt": p, **given}, "wavespeed"),
    "zai-org": Wire(lambda model: "/api/paas/v4/async/images/generations", _zai, "zai",
                    {"Accept-Language": "en-US,en", "x-source-channel": "hugging_face"}),
}  # fmt: skip
"""Every provider hfimage can call for text-to-image, by the name the Hub's mapping gives it."""


def parameters(request: GenerationRequest) -> dict[str, Any]:
    """The request as InferenceClient names its parameters, those not set left out."""
    sized = request.width is not None or request.height is not None or request.aspect_ratio is not None
    width, height = request.size(default=(1024, 1024)) if sized else (None, None)
    named = {
        "negative_prompt": request.negative_prompt,
        "height": height,
        "width": width,
        "num_inference_steps": request.steps,
        "guidance_scale": request.guidance_scale,
        "seed": request.seed,
    }
    return {name: value for name, value in named.items() if value is not None}


def generate(
    channel: Channel, router: str, provider: str, provider_id: str, request: GenerationRequest
) -> Iterator[Output | Event]:
    """One image from ``provider`` for ``request``: Status events while a task runs, then the image.

    Raises CreditsDepletedError (HTTP 402), AuthenticationError (401, 403), ProviderError for a task
    that failed, ProtocolError for an answer of another shape, and what the requests raise.
    """
    wire = WIRES[provider]
    url = f"{router}/{provider}{wire.route(provider_id)}"
    payload = wire.payload(request.prompt, parameters(request), provider_id)
    try:
        response = channel.request("POST", url, json=payload, headers=dict(wire.headers))
    except HFImageError as refused:
        if refused.status_code == 402:
            raise CreditsDepletedError(
                f"{channel.provider}: {_DEPLETED_ADVICE}", provider=channel.provider, status_code=402, url=url
            ) from refused
        raise
    if wire.answer == "bytes":
        yield Output(url, request.seed, final=True, content=response.content)
        return
    answer = read_json(response, channel.provider, channel.secret)
    with reading(channel.provider, "an Inference Providers answer"):
        if wire.answer == "base64":
            yield Output(url, request.seed, final=True, content=_decoded(answer["data"][0]["b64_json"], channel))
        elif wire.answer == "images-url":
            seed = answer.get("seed")
            reported = seed if isinstance(seed, int) and not isinstance(seed, bool) else request.seed
            yield Output(server_url(answer["images"][0]["url"], channel.provider), reported, final=True)
        elif wire.answer == "output-url":
            yield Output(_replicate_output(answer, channel), request.seed, final=True)
        elif wire.answer == "wavespeed":
            yield from _wavespeed(channel, router, answer, request.seed)
        else:
            yield from _zai_task(channel, router, answer, request.seed)


def _decoded(data: Any, channel: Channel) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, TypeError, ValueError):
        message = f"{channel.provider} sent an image that is not base64."
        raise ProtocolError(message, provider=channel.provider) from None


def _replicate_output(answer: Any, channel: Channel) -> str:
    output = answer["output"]
    if output is None:
        raise ProviderError(
            f"{channel.provider}: the model did not finish within the minute replicate waits (it may be starting "
            "up); try again later.",
            provider=channel.provider,
        )
    return server_url(output if isinstance(output, str) else output[0], channel.provider)


def _wavespeed(channel: Channel, router: str, answer: Any, seed: int | None) -> Iterator[Output | Event]:
    """Poll a wavespeed task at the router (``{router}/wavespeed{path}``) until it names its image."""
    path = urlsplit(str(answer["data"]["urls"]["get"])).path
    if not _PATH.fullmatch(path) or "/../" in f"{path}/":
        raise ProtocolError(f"{channel.provider} named a task path hfimage will not ask: {path[:100]!r}")
    task_url = f"{router}/wavespeed{path}"
    for _ in polls(channel.deadline, POLLING, sleep=channel.sleep, provider=channel.provider):
        task = channel.get_json(task_url)["data"]
        status = task.get("status")
        if status == "completed":
            yield Output(server_url(task["outputs"][0], channel.provider), seed, final=True)
            return
        if status == "failed":
            failure = f"{channel.provider}: the task failed: {task.get('error')!s:.500}"
            raise ProviderError(failure, provider=channel.provider)
        yield Status(channel.provider, "Processing" if status == "processing" else "Queued")


def _zai_task(channel: Channel, router: str, answer: Any, seed: int | None) -> Iterator[Output | Event]:
    """Poll a zai-org task (``{router}/zai-org/api/paas/v4/async-result/{id}``) until it succeeds."""
    task_id = str(answer["id"])
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,200}", task_id):
        raise ProtocolError(f"{channel.provider} named a task hfimage will not ask: {task_id[:100]!r}")
    result, due = answer, polls(channel.deadline, POLLING, sleep=channel.sleep, provider=channel.provider)
    while True:
        status = result.get("task_status")
        if status == "SUCCESS":
            yield Output(server_url(result["image_result"][0]["url"], channel.provider), seed, final=True)
            return
        if status == "FAIL":
            raise ProviderError(f"{channel.provider}: the task failed.", provider=channel.provider)
        yield Status(channel.provider, "Processing")
        next(due)
        result = channel.get_json(f"{router}/zai-org/api/paas/v4/async-result/{task_id}")
