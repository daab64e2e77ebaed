"""Small builders shared by the tests."""

from __future__ import annotations

import json
from typing import Any

ROOT = "https://tester-flux.hf.space"
API = f"{ROOT}/gradio_api"
EVENT_ID = "0ea2c49c3347410aa1d639e689f3ac4a"


def sse(*events: tuple[str, Any]) -> str:
    """An event-stream body, framed exactly as Gradio frames it."""
    return "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)


def file_data(name: str, *, url: str = "http://wrong/c/file=x") -> dict[str, Any]:
    return {
        "path": f"/tmp/gradio/{name}/image.webp",
        "url": url,
        "size": None,
        "orig_name": "image.webp",
        "mime_type": None,
        "is_stream": False,
        "meta": {"_type": "gradio.FileData"},
    }


def file_url(name: str) -> str:
    return f"{API}/file=/tmp/gradio/{name}/image.webp"


WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
