"""``hfimage models`` and ``hfimage providers [--check [--credits]]``."""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed

from .._core.catalog import CATALOG, DEFAULT_CHAIN, find_model
from .._core.quota_memory import QuotaMemory, cache_file
from ..client import Client
from ..errors import HFImageError
from ..providers import PROVIDERS, Provider, provider_for
from ..providers.credits import ROUTER_PROVIDERS, ProviderMapping
from ._codes import EXIT_OK, EXIT_PROVIDER
from ._health import check

TITLES = ("PROVIDER", "STATUS", "GRADIO", "LATENCY", "QUOTA")
"""The columns of ``providers --check``."""


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
    return check_providers(args.timeout, credits=args.credits)


def check_providers(timeout: float, *, credits: bool = False) -> int:
    """Ask every provider at once, printing each one's row as its answer comes; the reasons of those
    that did not answer, the token's source and the ZeroGPU quota follow the table, and with
    ``credits`` the live Inference Providers of each default model.

    Takes as long as the slowest provider (at most ``timeout`` seconds), not the sum of them.
    """
    providers = checked_providers()
    names = max(len(provider.name) for provider in providers)
    columns = Columns(TITLES, (names, len(f"unreachable ({len(providers)})"), 7, 7, len("resting 300 s")))
    columns.print(TITLES)
    reasons: list[str] = []
    serving = 0
    with (
        Client(max_connections=len(providers) + 1, quota=QuotaMemory(cache_file())) as client,
        ThreadPoolExecutor(len(providers) + 1) as pool,
    ):
        source = client.token_source
        quota = pool.submit(_zerogpu_quota, timeout) if source is not None else None
        mappings = {model: pool.submit(client.inference_providers, model, timeout=timeout)
                    for model in (DEFAULT_CHAIN if credits else ())}  # fmt: skip
        asked = {pool.submit(check, one, client, timeout=timeout): one for one in providers}
        for answer in as_completed(asked):
            health, provider = answer.result(), asked[answer]
            rest = client.resting(provider)
            if health.reachable:
                serving += not rest
                status, quota_cell = "ok", f"resting {rest:.0f} s" if rest else "ok"
            else:
                reasons.append(f"{health.provider}: {health.detail}")
                status, quota_cell = f"unreachable ({len(reasons)})", "-"  # not known: it did not answer
            latency = f"{health.latency * 1000:.0f} ms" if health.latency is not None else "-"
            columns.print((health.provider, status, health.version or "-", latency, quota_cell))
        width = max(40, shutil.get_terminal_size().columns - 1)
        for number, reason in enumerate(reasons, start=1):
            print(textwrap.fill(reason, width, initial_indent=f"({number}) ", subsequent_indent="    "))
        print(f"token: from {source}" if source else "token: none (the anonymous ZeroGPU quota of this address)")
        if quota is not None:
            print(quota.result())
        for model, mapping in mappings.items():
            print(_credit_line(model, mapping))
    if not serving:
        print("No provider can serve now.", file=sys.stderr)
        return EXIT_PROVIDER
    return EXIT_OK


def checked_providers() -> list[Provider]:
    """What ``--check`` asks: the built-in providers, then the spaces of the default chain, each once."""
    providers: dict[str, Provider] = {name: cls() for name, cls in PROVIDERS.items()}
    for model in DEFAULT_CHAIN:
        for name in find_model(model).providers:
            providers.setdefault(name, provider_for(name))
    return list(providers.values())


def _credit_line(model: str, mapping: Future[tuple[ProviderMapping, ...]]) -> str:
    """One default model's live Inference Providers, in the order ``--credits`` tries them, or why not known."""
    try:
        entries = mapping.result()
    except HFImageError as error:
        return f"credits: {model}: the Hub did not say ({error})"
    live = [entry.provider for entry in entries if entry.makes_images and entry.provider in ROUTER_PROVIDERS]
    return f"credits: {model} ({find_model(model).repo}): {', '.join(live) or 'no live provider'}"


def _zerogpu_quota(timeout: float) -> str:
    """The ZeroGPU quota line, or why the Hub did not give it (it is not needed to say provider can serve)."""
    try:
        with Client() as client:
            return str(client.quota(timeout=timeout))
    except HFImageError as error:
        return f"ZeroGPU quota: unknown ({' '.join(str(error).split())})"


class Columns:
    """A table printed row by row, before all its rows are known: each column as wide as its title
    or its expected width, whichever is more (a longer cell widens its own row only)."""

    def __init__(self, titles: Sequence[str], widths: Sequence[int]) -> None:
        self._widths = [max(len(title), width) for title, width in zip(titles, widths, strict=True)]

    def print(self, cells: Sequence[str]) -> None:
        line = "  ".join(cell.ljust(width) for cell, width in zip(cells, self._widths, strict=True))
        print(line.rstrip(), flush=True)


def print_table(rows: Sequence[Sequence[str]]) -> None:
    """A table whose rows are all known: each column as wide as its widest cell."""
    columns = Columns(rows[0], [max(len(row[column]) for row in rows) for column in range(len(rows[0]))])
    for row in rows:
        columns.print(row)
