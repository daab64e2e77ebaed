"""The ``hfimage`` command line."""

from ._codes import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_NETWORK, EXIT_OK, EXIT_PROVIDER, EXIT_QUOTA, exit_code
from ._main import main

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_PROVIDER",
    "EXIT_QUOTA",
    "exit_code",
    "main",
]
