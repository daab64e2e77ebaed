"""The app's own description of its API, ``{prefix}/info``: each endpoint's parameter names and defaults.

``/config`` knows the components (limits, choices, initial values) but not what the app's
function calls them; ``/info`` does, for every endpoint the app shows in its API page:
``{"named_endpoints": {"/infer": {"parameters": [{"parameter_name", "parameter_has_default",
"parameter_default", "type", "component", "label"}...], "returns": [{"component"}...]}}}``.
Gradio 4.44 to 6 send this same shape.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..._core.server_data import reading
from ...errors import ProtocolError
from .app import App, Endpoint, InputSpec, endpoint_name_problem


def with_names(space: App, info: Any, provider: str) -> App:
    """``space`` with its inputs named by the app's ``/info`` document.

    An endpoint that ``/config`` does not list (an app whose config was unreadable) is taken
    from ``/info`` alone, without limits or a queue index. Raises ProtocolError for a document
    of a shape no Gradio version sends.
    """
    with reading(provider, "an API description"):
        if not isinstance(info, dict) or not isinstance(info.get("named_endpoints"), dict):
            raise ProtocolError(
                f"{provider}: {space.api_url('/info')} is not a Gradio API description.",
                provider=provider,
                url=space.api_url("/info"),
            )
        endpoints = dict(space.endpoints)
        unsafe = list(space.unsafe_endpoints)
        for path, described in info["named_endpoints"].items():
            if not isinstance(path, str) or not isinstance(described, dict):
                continue
            api_name = path.removeprefix("/")
            if endpoint_name_problem(api_name) is not None:
                unsafe.append(api_name)
                continue
            parameters = [item for item in described.get("parameters") or () if isinstance(item, dict)]
            returns = tuple(_component(item) for item in described.get("returns") or () if isinstance(item, dict))
            known = endpoints.get(api_name)
            if known is None:
                specs = tuple(_named(InputSpec(_component(item)), item) for item in parameters)
                endpoints[api_name] = Endpoint(api_name, -1, specs, queued=False, outputs=returns)
            else:
                endpoints[api_name] = _merged(known, parameters)
        return dataclasses.replace(
            space, endpoints=endpoints, named=True, unsafe_endpoints=tuple(dict.fromkeys(unsafe))
        )


def _merged(endpoint: Endpoint, parameters: list[dict[str, Any]]) -> Endpoint:
    """The endpoint's config inputs, each visible one named by its ``/info`` parameter, in order."""
    if len(parameters) != len(endpoint.visible_inputs):
        return endpoint  # the two documents disagree: names cannot be trusted to line up
    described = iter(parameters)
    inputs = tuple(spec if spec.hidden else _named(spec, next(described)) for spec in endpoint.inputs)
    return dataclasses.replace(endpoint, inputs=inputs)


def _named(spec: InputSpec, parameter: dict[str, Any]) -> InputSpec:
    name = parameter.get("parameter_name")
    label = parameter.get("label")
    schema = parameter.get("type")
    enum = schema.get("enum") if isinstance(schema, dict) else None
    has_default = spec.has_default or parameter.get("parameter_has_default") is True
    return dataclasses.replace(
        spec,
        name=name if isinstance(name, str) and name else None,
        label=spec.label or (label if isinstance(label, str) else None),
        default=spec.default if spec.has_default else parameter.get("parameter_default"),
        has_default=has_default,
        choices=spec.choices if spec.choices is not None else (tuple(enum) if isinstance(enum, list) else None),
    )


def _component(item: dict[str, Any]) -> str:
    component = item.get("component")
    return component.lower() if isinstance(component, str) else "unknown"
