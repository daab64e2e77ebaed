"""What a fake Gradio app sends: its ``/config`` and ``/info`` documents, and a job's script as each
route frames it, laid out as the real Gradio versions do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .._core.spaces import Input, Signature

GRADIO_6 = "6.31.0"
GRADIO_4 = "4.44.1"

Step = tuple[str, Any]
"""One step of a job's script: ``(event name, data)``, ``("pause", seconds)``, ``("drop", None)``,
``("raw", bytes)``: bytes sent as they are (malformed events), or ``("queue", message)``: a
queue-route message (sent only there), made by ``queued()``, ``progress()`` or ``notice()``."""


def app_config(signature: Signature, version: str = GRADIO_6) -> dict[str, Any]:
    """The ``/config`` of an app with this one endpoint, laid out as that Gradio version's."""
    components = [_component(index + 1, spec) for index, spec in enumerate(signature.inputs)]
    count = len(signature.inputs)
    outputs = [{"id": count + 1 + index, "type": kind, "props": {}} for index, kind in enumerate(signature.outputs)]
    written = [ident for ident in _output_ids(signature) if ident > count]
    outputs = [output for output in outputs if output["id"] in written]
    return {
        "version": version,
        "api_prefix": None if version.startswith(("3.", "4.")) else "/gradio_api",
        "protocol": "sse_v3",
        "components": components + outputs,
        "dependencies": [
            {
                "id": 0,
                "api_name": signature.api_name,
                "inputs": list(range(1, count + 1)),
                "outputs": _output_ids(signature),
                "types": {"generator": False, "cancel": False},
            }
        ],
    }


def app_info(signature: Signature) -> dict[str, Any]:
    """The ``{prefix}/info`` of an app with this one endpoint: each parameter's name, default and type."""
    parameters = [
        {
            "label": spec.name.replace("_", " ").capitalize(),
            "parameter_name": spec.name,
            "parameter_has_default": spec.default is not None or spec.optional,
            "parameter_default": spec.default,
            "type": {"type": _json_type(spec), **({"enum": list(spec.choices)} if spec.choices else {})},
            "component": spec.component.capitalize(),
        }
        for spec in signature.inputs
    ]
    returns = [{"label": kind, "component": kind.capitalize()} for kind in signature.outputs]
    return {
        "named_endpoints": {f"/{signature.api_name}": {"parameters": parameters, "returns": returns}},
        "unnamed_endpoints": {},
    }


def _output_ids(signature: Signature) -> list[int]:
    """Each output's component id: an input the endpoint also writes is its own output of that kind."""
    count = len(signature.inputs)
    ids = []
    for index, kind in enumerate(signature.outputs):
        shared = next((position + 1 for position, spec in enumerate(signature.inputs)
                       if spec.also_output and spec.component == kind and position + 1 not in ids), None)  # fmt: skip
        ids.append(shared or count + 1 + index)
    return ids


def _component(ident: int, spec: Input) -> dict[str, Any]:
    props: dict[str, Any] = {"label": spec.name.replace("_", " ").capitalize(), "name": spec.component}
    for key in ("minimum", "maximum", "step"):
        if getattr(spec, key) is not None:
            props[key] = getattr(spec, key)
    if spec.default is not None:
        props["value"] = spec.default
    if spec.choices is not None:
        props["choices"] = [[choice, choice] for choice in spec.choices]
    return {"id": ident, "type": spec.component, "props": props, "skip_api": False}


def _json_type(spec: Input) -> str:
    kinds = {"slider": "number", "number": "number", "checkbox": "boolean", "gallery": "array"}
    return kinds.get(spec.component, "string")


def output_value(kind: str, image: dict[str, Any], seed: int) -> Any:
    """One output value of the default job, in the component's shape."""
    if kind == "gallery":
        return [{"image": image, "caption": None}]
    if kind == "textbox":
        return str(seed)
    if kind == "image":
        return image
    return seed


Frame = tuple[str, Any]
"""``("send", bytes)``, ``("pause", seconds)`` or ``("drop", None)``."""


def call_frames(steps: list[Step]) -> Iterator[Frame]:
    """A script as the call route sends it: ``event:`` and ``data:`` lines."""
    for name, data in steps:
        if name in ("pause", "drop"):
            yield (name, data)
        elif name == "raw":
            yield ("send", data)
        elif name != "queue":
            yield ("send", f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())


def queue_frames(steps: list[Step], event_id: str) -> Iterator[Frame]:
    """A script as the queue route sends it: ``data:`` lines only, later previews as diffs."""

    def frame(message: dict[str, Any]) -> Frame:
        return ("send", f"data: {json.dumps({**message, 'event_id': message.get('event_id', event_id)})}\n\n".encode())

    yield frame({"msg": "estimation", "rank": 0, "queue_size": 1, "rank_eta": None})
    yield frame({"msg": "process_starts", "eta": None})
    previous: list[Any] | None = None
    for name, data in steps:
        if name in ("pause", "drop"):
            yield (name, data)
        elif name == "raw":
            yield ("send", data)
        elif name == "queue":
            yield frame(data)
        elif name == "heartbeat":
            yield frame({"msg": "heartbeat", "event_id": None})
        elif name == "generating":
            output = data if previous is None else [[["replace", [], value]] for value in data]
            previous = data
            yield frame(
                {"msg": "process_generating", "output": {"data": output, "is_generating": True}, "success": True}
            )
        elif name == "complete":
            yield frame({"msg": "process_completed", "output": {"data": data}, "success": True})
        elif name == "error":
            text = data.get("error") if isinstance(data, dict) else data
            title = data.get("title", "Error") if isinstance(data, dict) else "Error"
            yield frame({"msg": "process_completed", "output": {"error": text, "title": title}, "success": False})
    yield frame({"msg": "close_stream", "event_id": None})
