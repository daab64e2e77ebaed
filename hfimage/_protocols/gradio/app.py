"""What hfimage needs to know about a Gradio app: its API prefix, endpoints, and each input's
name, default, limits and choices.

Read from the app's ``/config`` (layout, limits, defaults) and, where names are needed, its
``{prefix}/info`` (the names the app's function gives its parameters), once per client.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..._core.server_data import finite_number, reading
from ..._http.urls import file_path_problem, server_id, server_url
from ...errors import ProtocolError

GRADIO5_PREFIX = "/gradio_api"
_API_PREFIX = re.compile(r"(?:/[A-Za-z0-9_-]{1,64}){0,4}")
"""Where an app's API lives under its root (Gradio 5 and 6: ``/gradio_api``): plain path segments only."""
_ENDPOINT_NAME = re.compile(r"[\w-]{1,128}")
"""An endpoint name hfimage puts in a URL: letters (any script), digits, ``_`` and ``-``, as Gradio
derives them from function names; nothing that could change the URL's path."""


def endpoint_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be an endpoint's name in a URL, or None. The same rule holds for names the
    user gives and names an app sends."""
    if not isinstance(name, str) or not _ENDPOINT_NAME.fullmatch(name):
        return "an endpoint name is letters, digits, '_' and '-' (at most 128), with no '/' or '.'"
    return None


@dataclass(frozen=True)
class InputSpec:
    """One input of an endpoint as the app declares it; None where it declares nothing.

    ``component`` is Gradio's lower-case type (``slider``, ``textbox``, ``image``...);
    ``name`` the app's parameter name; ``default`` the value a browser would send untouched
    (``has_default`` says whether there is one, since None can be it); ``choices`` the values
    a dropdown or radio allows; ``hidden`` marks inputs Gradio fills itself (``gr.State``).
    """

    component: str
    minimum: float | None = None
    maximum: float | None = None
    name: str | None = None
    label: str | None = None
    default: Any = None
    has_default: bool = False
    step: float | None = None
    choices: tuple[Any, ...] | None = None
    hidden: bool = False
    also_output: bool = False
    """The endpoint also writes this component (e.g. a gallery of past results passed back in)."""


@dataclass(frozen=True)
class Endpoint:
    api_name: str
    fn_index: int
    inputs: tuple[InputSpec, ...]
    queued: bool = True
    """False when the app turned the queue off for this endpoint."""
    outputs: tuple[str, ...] = ()
    """The output components' types, in order."""

    @property
    def visible_inputs(self) -> tuple[InputSpec, ...]:
        """The inputs a client gives values for (Gradio fills the hidden ones)."""
        return tuple(spec for spec in self.inputs if not spec.hidden)


@dataclass(frozen=True)
class App:
    """A Gradio app's root URL, API prefix and named endpoints (empty when its config is unknown)."""

    root: str
    api_prefix: str
    version: str | None = None
    endpoints: Mapping[str, Endpoint] = field(default_factory=dict)
    protocol: str | None = None
    """The app's event protocol, e.g. ``sse_v3``; None when unknown."""
    named: bool = False
    """True once the inputs carry the app's parameter names (from ``/info``)."""
    replica: str | None = None
    """The replica of a multi-replica space that answered a job (``X-Proxied-Replica``)."""
    unsafe_endpoints: tuple[str, ...] = ()
    """Endpoint names the app sent that could change a URL's path: left out of ``endpoints``."""
    max_file_size: int | None = None
    """The largest file, in bytes, the app takes in an upload; None when it sets no limit."""

    def api_url(self, path: str) -> str:
        return f"{self.root}{self.api_prefix}{path}"

    def endpoint_url(self, route: str, api_name: str, provider: str) -> str:
        """``{prefix}/{route}/{api_name}``; ProtocolError for a name that could lead elsewhere."""
        problem = endpoint_name_problem(api_name)
        if problem is not None:
            raise ProtocolError(
                f"{provider}: the app names an endpoint {api_name[:100]!r}, which hfimage will not put in a URL "
                f"({problem}). Use another space.",
                provider=provider,
            )
        return self.api_url(f"/{route}/" + quote(api_name, safe=""))

    def file_url(self, path: str, provider: str) -> str:
        """Where a file the app produced can be downloaded; built from its path, not its (often wrong) url.

        On a known ``replica``, the URL is pinned to it (``/--replicas/{id}/...``), so it works
        outside hfimage too. Raises ProtocolError for a path, URL or replica id that could lead
        elsewhere than the app's files.
        """
        if path.startswith(("http://", "https://")):
            return server_url(path, provider)
        problem = file_path_problem(path)
        if problem is not None:
            raise ProtocolError(
                f"{provider} sent a file path hfimage will not fetch ({problem}): {path[:100]!r}", provider=provider
            )
        pinned = f"/--replicas/{server_id(self.replica, 'a replica id', provider)}" if self.replica else ""
        return f"{self.root}{pinned}{self.api_prefix}/file=" + quote(path, safe="/")


def parse_config(root: str, config: Any, provider: str | None = None) -> App:
    """A App from the JSON of ``{root}/config``; unknown parts are left out, not guessed.

    Raises ProtocolError for a config of a shape no Gradio version sends.
    """
    with reading(provider or root, "a config"):
        return _parse_config(root, config, provider)


def _parse_config(root: str, config: Any, provider: str | None) -> App:
    if not isinstance(config, dict):
        raise ProtocolError(
            f"{root}/config is not a Gradio config (got {type(config).__name__}).",
            provider=provider,
            url=f"{root}/config",
        )
    prefix = config.get("api_prefix")
    version = config.get("version")
    limit = config.get("max_file_size")
    protocol = config.get("protocol")
    components = {item.get("id"): item for item in config.get("components") or () if isinstance(item, dict)}
    endpoints: dict[str, Endpoint] = {}
    unsafe: list[str] = []
    for position, dependency in enumerate(config.get("dependencies") or ()):
        if not isinstance(dependency, dict) or not isinstance(dependency.get("api_name"), str):
            continue
        if endpoint_name_problem(dependency["api_name"]) is not None:
            unsafe.append(dependency["api_name"])
            continue
        fn_index = dependency.get("id", position)
        written = list(dependency.get("outputs") or ())
        inputs = tuple(_input_spec(components.get(ident), ident in written) for ident in dependency.get("inputs") or ())
        outputs = tuple(_component_type(components.get(ident)) for ident in written)
        endpoints[dependency["api_name"]] = Endpoint(
            dependency["api_name"],
            fn_index if isinstance(fn_index, int) else position,
            inputs,
            queued=dependency.get("queue") is not False,
            outputs=outputs,
        )
    prefix = prefix.rstrip("/") if isinstance(prefix, str) else ""
    if not _API_PREFIX.fullmatch(prefix):
        raise ProtocolError(
            f"{root}/config names an API prefix hfimage will not put in a URL: {prefix[:100]!r}. "
            "The server is not a Gradio app hfimage knows; use another space.",
            provider=provider,
            url=f"{root}/config",
        )
    return App(
        root=root,
        api_prefix=prefix,
        version=version if isinstance(version, str) else None,
        endpoints=endpoints,
        protocol=protocol if isinstance(protocol, str) else None,
        unsafe_endpoints=tuple(unsafe),
        max_file_size=limit if isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0 else None,
    )


HIDDEN_COMPONENTS = frozenset({"state"})
"""Inputs Gradio fills itself when an older config does not say ``skip_api``."""


def _component_type(component: Any) -> str:
    kind = component.get("type") if isinstance(component, dict) else None
    return kind.lower() if isinstance(kind, str) else "unknown"


def _input_spec(component: Any, also_output: bool = False) -> InputSpec:
    kind = _component_type(component)
    if not isinstance(component, dict):
        return InputSpec(kind)
    props = component.get("props")
    if not isinstance(props, dict):
        props = {}
    label = props.get("label")
    skip = component.get("skip_api")
    return InputSpec(
        component=kind,
        minimum=finite_number(props.get("minimum")),
        maximum=finite_number(props.get("maximum")),
        label=label if isinstance(label, str) else None,
        default=props.get("value"),
        has_default=props.get("value") is not None,
        step=finite_number(props.get("step")),
        choices=_choices(props.get("choices")),
        hidden=skip if isinstance(skip, bool) else kind in HIDDEN_COMPONENTS,
        also_output=also_output,
    )


def _choices(choices: Any) -> tuple[Any, ...] | None:
    """The values of a dropdown's or radio's choices: Gradio 4+ lists ``[label, value]`` pairs."""
    if not isinstance(choices, list):
        return None
    return tuple(choice[1] if isinstance(choice, list) and len(choice) == 2 else choice for choice in choices)


def named_by(app: App, signature: tuple[str, ...] | None, endpoint: str | None) -> App | None:
    """``app`` with its inputs named: by the app itself, or by a known ``signature`` (the input names of
    ``endpoint``, in order) when the app's config agrees with it; None when only ``/info`` can name them."""
    if app.named or signature is None:
        return app if app.named else None
    found = app.endpoints.get(endpoint or "")
    if found is None and not app.endpoints:  # no config: trust the signature
        unknown = tuple(InputSpec("unknown") for _ in signature)
        found = Endpoint(endpoint or "", -1, unknown, queued=False)
    if found is None or len(found.visible_inputs) != len(signature):
        return None
    names = iter(signature)
    inputs = tuple(spec if spec.hidden else dataclasses.replace(spec, name=next(names)) for spec in found.inputs)
    return dataclasses.replace(app, endpoints={found.api_name: dataclasses.replace(found, inputs=inputs)})
