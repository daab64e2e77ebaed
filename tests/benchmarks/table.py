"""The benchmark's table: each measure as it is taken, printed at once and again at the end."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    name: str
    value: str
    target: str = ""
    ok: bool | None = None


ROWS: list[Row] = []


def report(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
    ROWS.append(Row(name, value, target, ok))
    mark = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"  {name}: {value}  {target}{mark}", flush=True)


def print_table() -> None:
    width = max(len(row.name) for row in ROWS)
    for row in ROWS:
        mark = "" if row.ok is None else ("ok" if row.ok else "MISSED")
        print(f"{row.name.ljust(width)}  {row.value:>28}  {row.target:>16}  {mark}")


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """Wall and client CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu
