"""Fake servers that speak the real protocols on 127.0.0.1, for hfimage's tests and yours.

>>> from hfimage.testing import FakeSpace
>>> from hfimage.providers import BlackForestLabs_Flux1Schnell
>>> with FakeSpace() as space:                                   # doctest: +SKIP
...     image = hfimage.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url))
"""

from .._core.spaces import Input, Signature
from ._app_documents import GRADIO_4, GRADIO_6, app_config, app_info
from ._gradio import (
    FLUX_INPUTS,
    SD35_INPUTS,
    SIGNATURES,
    FakeSpace,
    Upload,
    drop,
    error,
    heartbeat,
    notice,
    pause,
    progress,
    prompt_colour,
    queued,
    raw,
)
from ._hub import FakeHub
from ._imagelabs import FakeImageLabs, FinishAfter
from ._png import solid_png
from ._router import FakeCDN, FakeRouter, mapping
from ._server import Fault, RecordedRequest, Reply

__all__ = [
    "FLUX_INPUTS",
    "GRADIO_4",
    "GRADIO_6",
    "SD35_INPUTS",
    "SIGNATURES",
    "FakeCDN",
    "FakeHub",
    "FakeImageLabs",
    "FakeRouter",
    "FakeSpace",
    "Fault",
    "FinishAfter",
    "Input",
    "RecordedRequest",
    "Reply",
    "Signature",
    "Upload",
    "app_config",
    "app_info",
    "drop",
    "error",
    "heartbeat",
    "mapping",
    "notice",
    "pause",
    "progress",
    "prompt_colour",
    "queued",
    "raw",
    "solid_png",
]
