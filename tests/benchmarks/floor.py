"""The hand-written floor: the least any client can do to get an image from a Gradio app."""

from __future__ import annotations

import json

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
