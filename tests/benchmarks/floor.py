"""The hand-written floor: the least any client can do to get an image from a Gradio app."""

from __future__ import annotations

import json
import os

import requests

INPUTS = ["a fox", 5, False, 256, 256, 2]
"""FLUX.1-schnell's inputs: prompt, seed, randomize_seed, width, height, steps."""


def floor_call(session: requests.Session, root: str, inputs: list[object] = INPUTS, *, download: bool = False) -> bytes:
    """POST the inputs, read the stream to its end (which lets the connection be reused, as hfimage
    does), find the result's data, and with ``download`` fetch the image's bytes (returned)."""
    event_id = session.post(f"{root}/gradio_api/call/infer", json={"data": inputs}, timeout=30).json()["event_id"]
    with session.get(f"{root}/gradio_api/call/infer/{event_id}", stream=True, timeout=30) as response:
        lines = [line for line in response.iter_lines() if line]
    if lines[-2:-1] != [b"event: complete"] or not lines[-1].startswith(b"data:"):
        raise RuntimeError("no complete event")
    if not download:
        return b""
    image = session.get(json.loads(lines[-1][5:])[0]["url"], timeout=30)
    image.raise_for_status()
    return image.content


def fn_index(session: requests.Session, root: str, api_name: str = "infer") -> int:
    """The endpoint's index in the app's config, which the queue route asks for (read once, as any client must)."""
    config = session.get(f"{root}/config", timeout=30).json()
    return next(dependency["id"] for dependency in config["dependencies"] if dependency.get("api_name") == api_name)


def floor_queue_call(
    session: requests.Session, root: str, index: int, inputs: list[object] = INPUTS, *, download: bool = False
) -> bytes:
    """The least a client can do on the queue route: join, read the session's stream to its end, and
    with ``download`` fetch the image's bytes (returned)."""
    hash_ = os.urandom(6).hex()
    body = {"data": inputs, "fn_index": index, "session_hash": hash_, "event_data": None, "trigger_id": None}
    session.post(f"{root}/gradio_api/queue/join", json=body, timeout=30).raise_for_status()
    completed = None
    data = f"{root}/gradio_api/queue/data"
    with session.get(data, params={"session_hash": hash_}, stream=True, timeout=30) as stream:
        for line in stream.iter_lines():
            if line.startswith(b"data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    completed = message
    if completed is None or not completed.get("success"):
        raise RuntimeError(f"no image: {completed}")
    if not download:
        return b""
    image = session.get(completed["output"]["data"][0]["url"], timeout=30)
    image.raise_for_status()
    return image.content
