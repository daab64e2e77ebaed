"""A fake Hugging Face Hub on 127.0.0.1 that describes spaces, for code that names spaces by id.

Point hfimage at it with ``HF_ENDPOINT`` (or ``Client(hub_url=...)``); each space you ``add()``
is then found where you say it runs, and reported paused, private or missing as you say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._server import Exchange, FakeServer


@dataclass(frozen=True)
class SpaceEntry:
    """What the fake Hub says of one space."""

    host: str | None
    sdk: str = "gradio"
    stage: str = "RUNNING"
    private: bool = False
    hardware: str | None = "zero-a10g"
    token: str | None = None
    """The token that may see it, when private."""


class FakeHub(FakeServer):
    """A loopback Hub answering ``GET /api/spaces/{owner}/{name}`` for the spaces added to it.

    An unknown id answers 404 as the Hub does; a private space answers 401 unless the request
    carries its token as ``Authorization: Bearer ...``. ``/api/spaces/zero-gpu/quota`` answers
    ``quota`` to the tokens in ``quota_tokens``, 401 to others. ``GET /api/models/{owner}/{name}``
    answers a repository of ``models`` with its Inference Providers mapping (asked for with
    ``?expand=inferenceProviderMapping``). ``requests`` lists what it received.
    """

    def __init__(self) -> None:
        super().__init__()
        self.spaces: dict[str, SpaceEntry] = {}
        self.quota: dict[str, object] = {"base": 300, "current": 0, "resetsAt": None, "overquotaUsed": 0}
        """What ``/api/spaces/zero-gpu/quota`` answers a request that carries a token in ``quota_tokens``."""
        self.quota_tokens: set[str] = set()
        self.models: dict[str, Any] = {}
        """Each model repository's ``inferenceProviderMapping``, answered at ``/api/models/{repo}``."""

    def __enter__(self) -> FakeHub:
        super().__enter__()
        return self

    def add(
        self,
        space_id: str,
        host: str | None,
        *,
        sdk: str = "gradio",
        stage: str = "RUNNING",
        private: bool = False,
        hardware: str | None = "zero-a10g",
        token: str | None = None,
    ) -> None:
        """Describe ``space_id`` as running at ``host`` (e.g. a FakeSpace's ``url``), or as told."""
        self.spaces[space_id] = SpaceEntry(host, sdk, stage, private, hardware, token)

    def handle(self, exchange: Exchange) -> None:
        if exchange.route == "/api/spaces/zero-gpu/quota":
            given = exchange.request.headers.get("Authorization", "").removeprefix("Bearer ")
            if given in self.quota_tokens:
                exchange.json(self.quota)
            else:
                exchange.json({"error": "Invalid credentials in Authorization header"}, status=401)
            return
        parts = exchange.route.strip("/").split("/")
        if exchange.request.method == "GET" and len(parts) == 4 and parts[:2] == ["api", "models"]:
            self._model("/".join(parts[2:4]), exchange)
            return
        if exchange.request.method != "GET" or len(parts) not in (4, 5) or parts[:2] != ["api", "spaces"]:
            exchange.not_found()
            return
        space_id = "/".join(parts[2:4])
        entry = self.spaces.get(space_id)
        if entry is None:
            exchange.json({"error": "Repository not found"}, status=404)
            return
        if entry.private and exchange.request.headers.get("Authorization") != f"Bearer {entry.token}":
            exchange.json({"error": "Invalid credentials in Authorization header"}, status=401)
            return
        runtime = {
            "stage": entry.stage,
            "hardware": {"current": entry.hardware, "requested": entry.hardware},
            "replicas": {"current": 1, "requested": 1},
        }
        if len(parts) == 5 and parts[4] == "runtime":
            exchange.json(runtime)
        elif len(parts) == 4:
            exchange.json(
                {"id": space_id, "sdk": entry.sdk, "private": entry.private, "host": entry.host, "runtime": runtime}
            )
        else:
            exchange.not_found()

    def _model(self, repo: str, exchange: Exchange) -> None:
        if repo not in self.models:
            exchange.json({"error": "Repository not found"}, status=404)
            return
        answer: dict[str, Any] = {"id": repo, "pipeline_tag": "text-to-image"}
        if "expand=inferenceProviderMapping" in exchange.request.path:
            answer["inferenceProviderMapping"] = self.models[repo]
        exchange.json(answer)
