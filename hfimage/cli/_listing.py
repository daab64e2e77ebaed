"""``hfimage models`` and ``hfimage providers [--check]``."""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from .._core.catalog import CATALOG
from .._core.quota_memory import QuotaMemory, cache_file, zerogpu_key
from .._http.auth import saved_token
from .._http.transport import Transport
from ..client import Client
from ..errors import HFImageError
from ..providers import PROVIDERS
from ._codes import EXIT_OK, EXIT_PROVIDER
from .health import check


def add_commands(commands: Any) -> None:
    models = commands.add_parser("models", help="list models, their aliases and providers")
    models.set_defaults(handler=list_models)
    providers = commands.add_parser(
        "providers",
        help="list providers; --check looks whether each is up",
        description="List providers and their models. With --check, ask each one now whether it answers "
        "(its Gradio version and latency), and show those resting after running out of GPU quota.",
    )
    providers.add_argument("--check", action="store_true", help="ask each provider now, with a short timeout")
    providers.add_argument("--timeout", type=float, default=10.0, help="seconds per provider for --check (default 10)")
    providers.set_defaults(handler=list_providers)


def list_models(_args: argparse.Namespace) -> int:
    rows = [("MODEL", "ALIASES", "PROVIDERS (fallback order)")]
    rows += [(info.name, ", ".join(info.aliases) or "-", ", ".join(info.providers)) for info in CATALOG]
    print_table(rows)
    return EXIT_OK


def list_providers(args: argparse.Namespace) -> int:
    if not args.check:
        rows = [("PROVIDER", "MODELS", "URL")]
        rows += [(name, ", ".join(cls().models), cls.default_url) for name, cls in PROVIDERS.items()]
        print_table(rows)
        return EXIT_OK
    cooling = QuotaMemory(cache_file()).cooling()
    table = [("PROVIDER", "STATUS", "GRADIO", "LATENCY", "QUOTA")]
    reasons: list[str] = []
    serving = 0
    token, source = saved_token()
    shared_rest = cooling.get(zerogpu_key(token))
    transport = Transport()
    with contextlib.closing(transport):
        for cls in PROVIDERS.values():
            provider = cls()
            health = check(provider, transport, timeout=args.timeout, token=token)
            rest = cooling.get(provider.key) or (shared_rest if provider.zerogpu else None)
            if health.reachable:
                quota = f"resting {rest:.0f} s" if rest else "ok"
                serving += not rest
            else:
                quota = "-"  # not known: the provider did not answer
                reasons.append(f"{health.provider}: {health.detail}")
            table.append(
                (
                    health.provider,
                    "ok" if health.reachable else f"unreachable ({len(reasons)})",
                    health.version or "-",
                    f"{health.latency * 1000:.0f} ms" if health.latency is not None else "-",
                    quota,
                )
            )
    print_table(table)
    width = max(40, shutil.get_terminal_size().columns - 1)
    for number, reason in enumerate(reasons, start=1):
        print(textwrap.fill(reason, width, initial_indent=f"({number}) ", subsequent_indent="    "))
    print(f"token: from {source}" if source else "token: none (the anonymous ZeroGPU quota of this address)")
    if token is not None:
        print(_zerogpu_quota(args.timeout))
    if not serving:
        print("No provider can serve now.", file=sys.stderr)
        return EXIT_PROVIDER
    return EXIT_OK


def _zerogpu_quota(timeout: float) -> str:
    """The ZeroGPU quota line, or why the Hub did not give it (it is not needed to say who can serve)."""
    try:
        with Client() as client:
            return str(client.quota(timeout=timeout))
    except HFImageError as error:
        return f"ZeroGPU quota: unknown ({' '.join(str(error).split())})"


def print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
