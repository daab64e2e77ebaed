"""What hfimage needs to know about a Gradio app: its API prefix, endpoints and inputs' limits.

Read from the app's ``/config`` once per client, and used to check inputs before sending.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..._core.server_data import reading
from ..._http.transport import Channel
from ..._http.urls import file_path_problem, server_url
from ...errors import InvalidRequestError, ProtocolError

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


def parse_config(root: str, config: Any, provider: str | None = None) -> SpaceInfo:
    """A SpaceInfo from the JSON of ``{root}/config``; unknown parts are left out, not guessed.

    Raises ProtocolError for a config of a shape no Gradio version sends.
    """
    with reading(provider or root, "a config"):
        return _parse_config(root, config, provider)


def _parse_config(root: str, config: Any, provider: str | None) -> SpaceInfo:
    if not isinstance(config, dict):
        raise ProtocolError(
            f"{root}/config is not a Gradio config (got {type(config).__name__}).",
            provider=provider,
            url=f"{root}/config",
        )
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
        return parse_config(root, channel.get_json(f"{root}/config"), channel.provider)
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
