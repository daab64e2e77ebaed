"""hfimage: a text prompt in, an image out, from free Hugging Face Spaces.

>>> import hfimage
>>> image = hfimage.generate("a cat wearing a hat")   # doctest: +SKIP
>>> image.save("cat.webp")                            # doctest: +SKIP
"""

import logging

from . import providers
from ._catalog import ModelInfo
from .client import Client, GenerateParams, generate, generate_many, models, stream
from .errors import (
    AllProvidersFailedError,
    AllProvidersOutOfQuotaError,
    Attempt,
    AuthenticationError,
    ConnectionError,
    HFImageError,
    InvalidRequestError,
    MissingExtraError,
    NoProviderReachableError,
    ProtocolError,
    ProviderError,
    QuotaExceededError,
    RateLimitError,
    ServiceUnavailableError,
    TimeoutError,
)
from .results import Event, Image, Notice, Preview, Progress, Queued, Started, Status

__version__ = "0.1.0"

logging.getLogger("hfimage").addHandler(logging.NullHandler())

__all__ = [
    "AllProvidersFailedError",
    "AllProvidersOutOfQuotaError",
    "Attempt",
    "AuthenticationError",
    "Client",
    "ConnectionError",
    "Event",
    "GenerateParams",
    "HFImageError",
    "Image",
    "InvalidRequestError",
    "MissingExtraError",
    "ModelInfo",
    "NoProviderReachableError",
    "Notice",
    "Preview",
    "Progress",
    "ProtocolError",
    "ProviderError",
    "Queued",
    "QuotaExceededError",
    "RateLimitError",
    "ServiceUnavailableError",
    "Started",
    "Status",
    "TimeoutError",
    "generate",
    "generate_many",
    "models",
    "providers",
    "stream",
]
