"""A reverse proxy in front of several replicas of one app, routing as Hugging Face's proxy does.

A request under ``/--replicas/{id}/`` goes to that replica; one that carries the proxy's cookie goes
to the replica it names; any other goes to a replica picked at random, and the answer sets the
cookie. Every answer names its replica in ``X-Proxied-Replica``.
Bodies stream through as they come, so event streams work.
"""

from __future__ import annotations

import http.client
import random
import re
from urllib.parse import urlsplit

from hfimage.testing._server import Exchange, FakeServer

COOKIE = "replica"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class StickyProxy(FakeServer):
    def __init__(self, replicas: list[str], *, rotate: bool = False) -> None:
        super().__init__()
        self.replicas = replicas
        self.rotate = rotate
        """Send requests without the cookie to each replica in turn (a worst case), not at random."""
        self.routed: list[int] = []
        """Which replica each request went to."""

    def __enter__(self) -> StickyProxy:
        super().__enter__()
        return self

    def _pick(self) -> int:
        if self.rotate:
            return len(self.routed) % len(self.replicas)
        return random.randrange(len(self.replicas))

    def handle(self, exchange: Exchange) -> None:
        request = exchange.request
        path = request.path
        pinned = re.match(r"/--replicas/replica(\d+)(/.*)", path)
        chosen = re.search(rf"(?:^|;\s*){COOKIE}=(\d+)", request.headers.get("Cookie", ""))
        if pinned:
            index, path = int(pinned.group(1)), pinned.group(2)
        else:
            index = int(chosen.group(1)) if chosen else self._pick()
        self.routed.append(index)
        backend = urlsplit(self.replicas[index])
        connection = http.client.HTTPConnection(backend.hostname or "", backend.port, timeout=30)
        try:
            headers = {name: value for name, value in request.headers.items() if name.lower() not in HOP_BY_HOP}
            connection.request(request.method, path, body=request.body or None, headers=headers)
            answer = connection.getresponse()
            passed = {
                name: value
                for name, value in answer.getheaders()
                if name.lower() not in HOP_BY_HOP | {"set-cookie", "content-type"}
            }
            passed["X-Proxied-Replica"] = f"replica{index}"
            if not chosen and not pinned:
                passed["Set-Cookie"] = f"{COOKIE}={index}; Path=/"
            exchange.start_chunks(answer.getheader("Content-Type", "application/octet-stream"), status=answer.status,
                                  headers=passed)  # fmt: skip
            while data := answer.read1(65536):
                exchange.chunk(data)
            exchange.end_chunks()
        finally:
            connection.close()
