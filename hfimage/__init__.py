"""hfimage: a text prompt in, an image out, from free Hugging Face Spaces and ImageLabs.

>>> import hfimage
>>> image = hfimage.generate("a cat wearing a hat")   # doctest: +SKIP
>>> image.save("cat.webp")                            # doctest: +SKIP
>>> hfimage.edit("cat.webp", "make it night").save("night.webp")  # doctest: +SKIP

The errors load with the package; the rest (the client, providers, result types) loads on first
use, so that ``import hfimage`` stays quick for scripts and command lines that may not need it.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from .errors import (
    AllProvidersFailedError,
    AllProvidersOutOfQuotaError,
    Attempt,
    AuthenticationError,
    BrokenImageError,
    BrowserCheckError,
    CallCancelledError,
    ConnectionError,
    CreditsDepletedError,
    GPUDurationError,
    HFImageError,
    InvalidRequestError,
    MissingExtraError,
    NoProviderReachableError,
    NotAGradioSpaceError,
    ProtocolError,
    ProviderError,
    QuotaExceededError,
    RateLimitError,
    ReplicaMismatchError,
    SaveError,
    SaveFileExistsError,
    SaveFileNotFoundError,
    SaveIsADirectoryError,
    SaveNotADirectoryError,
    SavePermissionError,
    ServiceUnavailableError,
    SpaceNotFoundError,
    SpaceNotRunningError,
    TimeoutError,
)

if TYPE_CHECKING:
    from . import providers
    from ._core.cancel import Cancellation
    from ._core.catalog import ModelInfo
    from ._core.quota_memory import QuotaMemory
    from .client import Client, Plan, final_image
    from .functions import edit, generate, generate_many, inspect, models, quota, stream
    from .inspection import InputDescription, SpaceDescription
    from .parameters import EditParams, GenerateParams
    from .providers import Space
    from .results import Event, Image, Notice, Preview, Progress, Queued, Started, Status, ZeroGPUQuota

__version__ = "0.1.0"

logging.getLogger("hfimage").addHandler(logging.NullHandler())

_LAZY = {
    "providers": "providers",
    "ModelInfo": "_core.catalog",
    "QuotaMemory": "_core.quota_memory",
    "Cancellation": "_core.cancel",
    "Space": "providers",
    **dict.fromkeys(("EditParams", "GenerateParams"), "parameters"),
    **dict.fromkeys(("InputDescription", "SpaceDescription"), "inspection"),
    **dict.fromkeys(("Client", "Plan", "final_image"), "client"),
    **dict.fromkeys(("edit", "generate", "generate_many", "inspect", "models", "quota", "stream"), "functions"),
    **dict.fromkeys(
        ("Event", "Image", "Notice", "Preview", "Progress", "Queued", "Started", "Status", "ZeroGPUQuota"), "results"
    ),
}


def __getattr__(name: str) -> Any:
    """Load what the package names on first use (PEP 562)."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'hfimage' has no attribute {name!r}")
    module = importlib.import_module(f".{module_name}", __name__)
    value = module if name == module_name else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names (not the helpers the module itself imports), whether loaded yet or not."""
    return sorted({*__all__, "__version__"})


__all__ = [
    "AllProvidersFailedError",
    "AllProvidersOutOfQuotaError",
    "Attempt",
    "AuthenticationError",
    "BrokenImageError",
    "BrowserCheckError",
    "CallCancelledError",
    "Cancellation",
    "Client",
    "ConnectionError",
    "CreditsDepletedError",
    "EditParams",
    "Event",
    "GPUDurationError",
    "GenerateParams",
    "HFImageError",
    "Image",
    "InputDescription",
    "InvalidRequestError",
    "MissingExtraError",
    "ModelInfo",
    "NoProviderReachableError",
    "NotAGradioSpaceError",
    "Notice",
    "Plan",
    "Preview",
    "Progress",
    "ProtocolError",
    "ProviderError",
    "Queued",
    "QuotaExceededError",
    "QuotaMemory",
    "RateLimitError",
    "ReplicaMismatchError",
    "SaveError",
    "SaveFileExistsError",
    "SaveFileNotFoundError",
    "SaveIsADirectoryError",
    "SaveNotADirectoryError",
    "SavePermissionError",
    "ServiceUnavailableError",
    "Space",
    "SpaceDescription",
    "SpaceNotFoundError",
    "SpaceNotRunningError",
    "Started",
    "Status",
    "TimeoutError",
    "ZeroGPUQuota",
    "edit",
    "final_image",
    "generate",
    "generate_many",
    "inspect",
    "models",
    "providers",
    "quota",
    "stream",
]
