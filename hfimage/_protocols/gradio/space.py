"""What hfimage needs to know about a Gradio app, and how it reads the app's answers.

Shared by the Gradio protocols: finding the API prefix and endpoints, checking inputs
against the app's own limits, turning outputs into an image URL and a seed, and turning
an app's error text into a typed error.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..._core.server_data import parse_json, reading
from ..._core.text import excerpt, plain
from ..._http.transport import Channel
from ..._http.urls import file_path_problem, server_id, server_url
from ...errors import HFImageError, InvalidRequestError, ProtocolError, ProviderError, QuotaExceededError
from .quota import is_quota_message, quota_retry_after

GRADIO5_PREFIX = "/gradio_api"


@dataclass(frozen=True)
class InputSpec:
    """One input of an endpoint as the app declares it; bounds are None where it declares none."""

    component: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Endpoint:
    api_name: str
    fn_index: int
    inputs: tuple[InputSpec, ...]
    queued: bool = True
    """False when the app turned the queue off for this endpoint."""


@dataclass(frozen=True)
class SpaceInfo:
    """A Gradio app's root URL, API prefix and named endpoints (empty when its config is unknown)."""

    root: str
    api_prefix: str
    version: str | None = None
    endpoints: Mapping[str, Endpoint] = field(default_factory=dict)
    protocol: str | None = None
    """The app's event protocol, e.g. ``sse_v3``; None when unknown."""

    def api_url(self, path: str) -> str:
        return f"{self.root}{self.api_prefix}{path}"

    def file_url(self, path: str, who: str) -> str:
        """Where a file the app produced can be downloaded; built from its path, not its (often wrong) url.

        Raises ProtocolError for a path or URL that could lead elsewhere than the app's files.
        """
        if path.startswith(("http://", "https://")):
            return server_url(path, who)
        problem = file_path_problem(path)
        if problem is not None:
            raise ProtocolError(
                f"{who} sent a file path hfimage will not fetch ({problem}): {path[:100]!r}", provider=who
            )
        return self.api_url("/file=" + quote(path, safe="/"))


def parse_config(root: str, config: Any) -> SpaceInfo:
    """A SpaceInfo from the JSON of ``{root}/config``; unknown parts are left out, not guessed.

    Raises ProtocolError for a config of a shape no Gradio version sends.
    """
    with reading(root, "a config"):
        return _parse_config(root, config)


def _parse_config(root: str, config: Any) -> SpaceInfo:
    if not isinstance(config, dict):
        raise ProtocolError(f"{root}/config is not a Gradio config (got {type(config).__name__}).")
    prefix = config.get("api_prefix")
    version = config.get("version")
    protocol = config.get("protocol")
    components = {item.get("id"): item for item in config.get("components") or () if isinstance(item, dict)}
    endpoints: dict[str, Endpoint] = {}
    for position, dependency in enumerate(config.get("dependencies") or ()):
        if not isinstance(dependency, dict) or not isinstance(dependency.get("api_name"), str):
            continue
        fn_index = dependency.get("id", position)
        inputs = tuple(_input_spec(components.get(ident)) for ident in dependency.get("inputs") or ())
        endpoints[dependency["api_name"]] = Endpoint(
            dependency["api_name"],
            fn_index if isinstance(fn_index, int) else position,
            inputs,
            queued=dependency.get("queue") is not False,
        )
    return SpaceInfo(
        root=root,
        api_prefix=prefix.rstrip("/") if isinstance(prefix, str) else "",
        version=version if isinstance(version, str) else None,
        endpoints=endpoints,
        protocol=protocol if isinstance(protocol, str) else None,
    )


def _input_spec(component: Any) -> InputSpec:
    if not isinstance(component, dict):
        return InputSpec("unknown")
    props = component.get("props")
    if not isinstance(props, dict):
        props = {}
    return InputSpec(
        component=str(component.get("type", "unknown")),
        minimum=_number(props.get("minimum")),
        maximum=_number(props.get("maximum")),
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def discover(channel: Channel, root: str) -> SpaceInfo:
    """Read the app's config; if there is none, probe for the Gradio 5+ prefix."""
    try:
        return parse_config(root, channel.get_json(f"{root}/config"))
    except ProtocolError:
        pass  # no usable /config (404 or not JSON): fall back to probing the layout
    try:
        channel.get_json(f"{root}{GRADIO5_PREFIX}/info")
    except ProtocolError:
        return SpaceInfo(root=root, api_prefix="")
    return SpaceInfo(root=root, api_prefix=GRADIO5_PREFIX)


class SpaceDirectory:
    """What a client has learnt about each space, discovered once and shared by its calls.

    Calls that need a space not yet known wait for one discovery rather than each making their own.
    """

    def __init__(self) -> None:
        self._known: dict[str, SpaceInfo] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, channel: Channel, root: str) -> SpaceInfo:
        with self._lock:
            lock = self._locks.setdefault(root, threading.Lock())
        with lock:
            known = self._known.get(root)
            if known is None:
                known = discover(channel, root)
                self._known[root] = known
            return known

    def forget(self, root: str) -> None:
        """Drop what is known of a space, so the next call discovers it again (its app may have changed)."""
        with self._lock:
            self._known.pop(root, None)


def check_inputs(
    space: SpaceInfo,
    api_name: str,
    named_inputs: Sequence[tuple[str, Any]],
    provider: str,
    *,
    asked: Mapping[str, Any] | None = None,
) -> None:
    """Refuse, before sending, inputs that the app's declared endpoint and limits would reject.

    ``asked`` holds what the caller gave where the provider adjusted it; errors quote that.
    """
    endpoint = space.endpoints.get(api_name)
    if endpoint is None:
        if space.endpoints:
            raise ProtocolError(
                f"{provider}: the app at {space.root} has no API endpoint '/{api_name}' "
                f"(it offers {', '.join('/' + name for name in sorted(space.endpoints))}). "
                "The space has changed; use another provider.",
                provider=provider,
            )
        return
    if len(endpoint.inputs) != len(named_inputs):
        raise ProtocolError(
            f"{provider}: '/{api_name}' at {space.root} takes {len(endpoint.inputs)} inputs, "
            f"but this provider sends {len(named_inputs)}. The space's app has changed; use another provider.",
            provider=provider,
        )
    for (name, value), spec in zip(named_inputs, endpoint.inputs, strict=True):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        low = spec.minimum if spec.minimum is not None else -math.inf
        high = spec.maximum if spec.maximum is not None else math.inf
        if not low <= value <= high:
            given = (asked or {}).get(name, value)
            raise InvalidRequestError(
                f"{provider} accepts {name} from {low:g} to {high:g}; got {given:g}.", provider=provider
            )


def decode(data: str, provider: str) -> Any:
    """An event's JSON data, or ProtocolError."""
    return parse_json(data, provider)


def event_id_of(answer: Any, provider: str) -> str:
    """The event id in the answer to a job's POST; ProtocolError unless it is a plain id (it goes into URLs)."""
    event_id = answer.get("event_id") if isinstance(answer, dict) else None
    if event_id is None:
        raise ProtocolError(
            f"{provider} accepted the job but sent no event id: {excerpt(str(answer))!r}", provider=provider
        )
    return server_id(event_id, "an event id", provider)


def image_and_seed(outputs: Any, space: SpaceInfo, provider: str) -> tuple[str | None, int | None]:
    """The download URL of the first image in an app's outputs, and the seed that follows it.

    Raises ProtocolError for a file path or URL that could lead elsewhere.
    """
    if not isinstance(outputs, list):
        return None, None
    url: str | None = None
    seed: int | None = None
    for value in outputs:
        if url is None:
            url = _file_url(value, space, provider)
        elif _is_integral(value):
            seed = int(value)
            break
    return url, seed


def _file_url(value: Any, space: SpaceInfo, provider: str) -> str | None:
    if isinstance(value, dict):
        path = value.get("path")
        if isinstance(path, str) and path:
            return space.file_url(path, provider)
        url = value.get("url")
        if isinstance(url, str) and url:
            return server_url(url, provider)
    return None


def _is_integral(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and float(value).is_integer()


def app_error(detail: str | None, provider: str) -> HFImageError:
    """The typed error for an error the app reported, with its text when it gave one."""
    if detail is None or not plain(detail):
        return ProviderError(
            f"{provider} failed and did not say why (Gradio hides app errors on this route). "
            "Free spaces often fail like this when their GPU quota runs out: set HF_TOKEN, "
            "try again later, or use another provider.",
            provider=provider,
        )
    text = plain(_unquote(detail.strip()))
    if is_quota_message(text):
        wait = quota_retry_after(text)
        return QuotaExceededError(
            f"{provider}: {text}" + ("" if wait is None else f" (retry after {wait:.0f} s)"),
            provider=provider,
            retry_after=wait,
        )
    return ProviderError(f"{provider} failed: {text}", provider=provider)


def _unquote(text: str) -> str:
    """Gradio 4 wraps error text in one pair of Python quotes: ``'msg'``."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
