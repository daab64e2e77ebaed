"""A fake Inference Providers router on 127.0.0.1: each text-to-image provider's route and answer, as
the real router relays them, with its images served from a second server (a CDN of another origin)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections import defaultdict, deque
from typing import Any

from ._gradio import prompt_colour
from ._png import solid_png
from ._server import Exchange, FakeServer, Reply

IMAGE_SIDE = 8
"""The fakes' images are this many pixels a side, coloured by ``prompt_colour()`` of their prompt."""


class FakeCDN(FakeServer):
    """Where a fake router's providers put the images they name by URL; ``requests`` lists who fetched them."""

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, bytes] = {}

    def __enter__(self) -> FakeCDN:
        super().__enter__()
        return self

    def add(self, data: bytes) -> str:
        name = f"/images/{hashlib.sha256(data).hexdigest()[:16]}-{uuid.uuid4().hex[:8]}.png"
        self.files[name] = data
        return self.url + name

    def handle(self, exchange: Exchange) -> None:
        data = self.files.get(exchange.route)
        exchange.reply(Reply(200, data, "image/png") if data is not None else Reply(404, {"error": "not found"}))


class FakeRouter(FakeServer):
    """A loopback Inference Providers router for hf-inference, fal-ai, replicate, together, nscale,
    wavespeed and zai-org: ``{url}/{provider}/...`` answers each as that provider does, with an image of
    the prompt's colour (raw, in base64, or at a URL of ``cdn``, a server of another origin).

    ``tokens``, when not empty, are the tokens it takes (``Authorization: Bearer ...``); others get 401.
    ``fail(provider, reply)`` answers that provider's next request with ``reply`` (a 402, a 500...).
    Tasks (wavespeed, zai-org) report processing ``polls_before_done`` times first, then their image (or,
    with ``tasks_fail``, a failure). ``payloads(provider)`` lists the JSON each provider was sent.
    """

    def __init__(self) -> None:
        super().__init__()
        self.cdn = FakeCDN()
        self.tokens: set[str] = set()
        self.polls_before_done = 1
        self.tasks_fail = False
        """When set, tasks (wavespeed, zai-org) end failed instead of with an image."""
        self._failures: dict[str, deque[Reply]] = defaultdict(deque)
        self._tasks: dict[str, list[Any]] = {}

    def __enter__(self) -> FakeRouter:
        self.cdn.__enter__()
        super().__enter__()
        return self

    def close(self) -> None:
        super().close()
        self.cdn.close()

    def fail(self, provider: str, reply: Reply, times: int = 1) -> None:
        """Answer ``provider``'s next ``times`` requests with ``reply``."""
        with self._lock:
            self._failures[provider].extend([reply] * times)

    def payloads(self, provider: str) -> list[Any]:
        """The JSON bodies of the POSTs ``provider`` received, in order."""
        return [r.json() for r in self.requests if r.method == "POST" and r.route.startswith(f"/{provider}/")]

    def handle(self, exchange: Exchange) -> None:
        request = exchange.request
        provider = exchange.route.strip("/").split("/", 1)[0]
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.tokens and given not in self.tokens:
            exchange.json({"error": "Invalid credentials in Authorization header"}, status=401)
            return
        with self._lock:
            scripted = self._failures[provider].popleft() if self._failures[provider] else None
        if scripted is not None:
            exchange.reply(scripted)
        elif request.method == "POST":
            self._start(exchange, provider, request.json())
        else:
            self._poll(exchange, provider)

    def _image(self, payload: dict[str, Any]) -> bytes:
        prompt = payload.get("prompt") or payload.get("inputs") or payload.get("input", {}).get("prompt", "")
        return solid_png(IMAGE_SIDE, IMAGE_SIDE, prompt_colour(str(prompt)))

    def _start(self, exchange: Exchange, provider: str, payload: dict[str, Any]) -> None:
        image = self._image(payload)
        task = uuid.uuid4().hex
        if provider == "hf-inference":
            exchange.reply(Reply(200, image, "image/png"))
        elif provider == "fal-ai":
            seed = payload.get("seed", 42)
            exchange.json({"images": [{"url": self.cdn.add(image), "content_type": "image/png"}], "seed": seed})
        elif provider == "replicate":
            exchange.json({"id": task, "status": "succeeded", "output": [self.cdn.add(image)]})
        elif provider in ("together", "nscale"):
            exchange.json({"data": [{"b64_json": base64.b64encode(image).decode()}]})
        elif provider == "wavespeed":
            self._tasks[task] = [self.polls_before_done, self.cdn.add(image)]
            result = f"https://api.wavespeed.ai/api/v3/predictions/{task}/result"  # the provider's own host
            exchange.json({"data": {"id": task, "urls": {"get": result}}})
        elif provider == "zai-org":
            self._tasks[task] = [self.polls_before_done, self.cdn.add(image)]
            exchange.json({"id": task, "task_status": "PROCESSING", "model": payload.get("model")})
        else:
            exchange.not_found()

    def _poll(self, exchange: Exchange, provider: str) -> None:
        parts = exchange.route.strip("/").split("/")
        task = parts[-2] if provider == "wavespeed" else parts[-1]
        with self._lock:
            known = self._tasks.get(task)
            if known is not None:
                known[0] -= 1
        if known is None:
            exchange.not_found()
        elif provider == "wavespeed":
            done = known[0] < 0
            data = {"status": "completed", "outputs": [known[1]]} if done else {"status": "processing", "outputs": []}
            if done and self.tasks_fail:
                data = {"status": "failed", "outputs": [], "error": "CUDA out of memory"}
            exchange.json({"code": 200, "data": data})
        else:
            done = known[0] < 0
            answer = {"task_status": "SUCCESS", "image_result": [{"url": known[1]}]} if done else {}
            if done and self.tasks_fail:
                answer = {"task_status": "FAIL"}
            exchange.json({"id": task, "task_status": "PROCESSING", **answer})


def mapping(*providers: str, status: str = "live", task: str = "text-to-image") -> dict[str, Any]:
    """An ``inferenceProviderMapping`` as the Hub answers it, naming each provider's model id after the provider."""
    return {name: {"status": status, "providerId": f"{name}/model-id", "task": task} for name in providers}
