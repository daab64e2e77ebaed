"""Looking up a host's addresses within a call's deadline.

The system resolver (``getaddrinfo``) blocks for as long as it likes and ignores socket timeouts,
so a stalled DNS server would hold a call past its ``timeout=``. The look-up runs in a helper
thread instead, and the call waits for it only until its deadline, its connect timeout or its
cancellation; calls that need the same host while a look-up is under way share it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass, field
from typing import Any

from urllib3.util.connection import allowed_gai_family

from .watch import Watch


class LookupTimeoutError(OSError):
    """The look-up did not finish within the time the call could give it."""


@dataclass
class _Lookup:
    waiters: list[threading.Event] = field(default_factory=list)
    finished: bool = False
    addresses: list[str] = field(default_factory=list)
    error: OSError | None = None


_lock = threading.Lock()
_under_way: dict[tuple[str, int], _Lookup] = {}


def is_address(host: str) -> bool:
    """True for an IP address, which needs no look-up."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def addresses(host: str, port: int, watch: Watch, limit: float | None) -> list[str]:
    """The addresses of ``host``, in the resolver's order, looked up within the watch's deadline and
    ``limit`` seconds (the connect timeout).

    Raises socket.gaierror when the resolver fails, LookupTimeoutError when time runs out or the call
    is cancelled first.
    """
    woken = threading.Event()
    key = (host, port)
    with _lock:
        lookup = _under_way.get(key)
        if lookup is None:
            lookup = _under_way[key] = _Lookup()
            threading.Thread(target=_look_up, args=(key, lookup), name="hfimage-resolve", daemon=True).start()
        lookup.waiters.append(woken)
    wait = watch.deadline.remaining() if limit is None else min(limit, watch.deadline.remaining())
    if watch.cancellation is not None:
        watch.cancellation.listen(woken.set)
    try:
        woken.wait(wait)
    finally:
        if watch.cancellation is not None:
            watch.cancellation.forget(woken.set)
    with _lock:
        if not lookup.finished:
            lookup.waiters.remove(woken)
            raise LookupTimeoutError(f"looking up {host} took longer than the call could wait")
    if lookup.error is not None:
        raise lookup.error
    return lookup.addresses


def _look_up(key: tuple[str, int], lookup: _Lookup) -> None:
    host, port = key
    found: list[str] = []
    error: OSError | None = None
    try:
        answers: list[Any] = socket.getaddrinfo(host, port, allowed_gai_family(), socket.SOCK_STREAM)
        found = list(dict.fromkeys(str(entry[4][0]) for entry in answers))
        if not found:
            error = socket.gaierror(socket.EAI_NONAME, f"{host} has no address")
    except OSError as failed:
        error = failed
    except UnicodeError as failed:  # a label too long for IDNA
        error = socket.gaierror(socket.EAI_NONAME, str(failed))
    with _lock:
        lookup.addresses, lookup.error, lookup.finished = found, error, True
        _under_way.pop(key, None)
        for waiter in lookup.waiters:
            waiter.set()
