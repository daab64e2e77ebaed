"""A fake ImageLabs API on 127.0.0.1: tasks that finish after scripted polls or after a time."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ._png import solid_png
from ._scripts import ScriptQueue
from ._server import Exchange, FakeServer, Reply

Answer = dict[str, Any] | Reply
"""One answer to ``/progress``: JSON (status 200), or a scripted Reply."""


@dataclass(frozen=True)
class FinishAfter:
    """A task that reports ``Processing`` until ``seconds`` after it started, then ``Done``."""

    seconds: float


class FakeImageLabs(FakeServer):
    """A loopback ImageLabs API: ``POST /txt2img`` starts a task, ``POST /progress`` polls it.

    Queue per-task scripts with ``script()``: a list of ``/progress`` answers (the last one
    repeats), a ``FinishAfter``, or a ``Reply`` sent instead of a task id. Without one, a task
    answers ``Queued``, ``Processing``, then ``Done``. The image is a real PNG it serves.
    ``done_at`` and ``polls`` record, per task, when it became done and each poll's time.
    """

    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, bytes] = {}
        self.done_at: dict[str, float] = {}
        self.polls: dict[str, list[float]] = {}
        self._scripts: ScriptQueue[list[Answer] | FinishAfter | Reply] = ScriptQueue()
        self._tasks: dict[str, tuple[Iterable[Answer] | FinishAfter, float]] = {}
        self._task_lock = threading.Lock()

    def __enter__(self) -> FakeImageLabs:
        super().__enter__()
        return self

    def script(self, *tasks: list[Answer] | FinishAfter | Reply, prompt: str | None = None) -> None:
        """Queue the scripts of the next tasks (or, with ``prompt``, of the next tasks for that prompt)."""
        self._scripts.add(tasks, prompt)

    def done(self, task_id: str) -> dict[str, Any]:
        """The answer for a finished task, with the URL of a new image."""
        self.images[task_id] = solid_png(8, 8, (20, 160, 90))
        return {"status": "Done", "final_image_url": f"{self.url}/images/{task_id}.png"}

    def handle(self, exchange: Exchange) -> None:
        method, route = exchange.request.method, exchange.route
        if method == "POST" and route == "/txt2img":
            self._start(exchange)
        elif method == "POST" and route == "/progress":
            self._progress(exchange)
        elif method == "GET" and route.startswith("/images/") and route[8:-4] in self.images:
            exchange.reply(Reply(200, self.images[route[8:-4]], "image/png"))
        elif method == "GET" and route == "/":  # the editor's page, which `hfimage providers --check` asks for
            exchange.reply(Reply(200, "<!DOCTYPE html><html><body>ImageLabs</body></html>", "text/html"))
        else:
            exchange.not_found()

    def _start(self, exchange: Exchange) -> None:
        body = exchange.request.json()
        script = self._scripts.take(body.get("prompt") if isinstance(body, dict) else None)
        if isinstance(script, Reply):
            exchange.reply(script)
            return
        task_id = uuid.uuid4().hex
        if script is None:
            script = [{"status": "Queued"}, {"status": "Processing"}, self.done(task_id)]
        answers = script if isinstance(script, FinishAfter) else _repeating_last(script)
        with self._task_lock:
            self._tasks[task_id] = (answers, time.monotonic())
            self.polls[task_id] = []
        exchange.json({"task_id": task_id})

    def _progress(self, exchange: Exchange) -> None:
        task_id = str(exchange.request.json().get("task_id"))
        now = time.monotonic()
        with self._task_lock:
            task = self._tasks.get(task_id)
            if task is not None:
                self.polls[task_id].append(now)
        if task is None:
            exchange.json({"status": "Error: unknown task"})
            return
        answers, started = task
        if isinstance(answers, FinishAfter):
            if now - started < answers.seconds:
                exchange.json({"status": "Processing"})
                return
            self.done_at.setdefault(task_id, started + answers.seconds)
            exchange.json(self.done(task_id))
            return
        answer = next(iter(answers))
        if isinstance(answer, Reply):
            exchange.reply(answer)
        else:
            exchange.json(answer)


def _repeating_last(answers: list[Answer]) -> Iterable[Answer]:
    """The answers in order, then the last one for ever; one shared iterator."""
    return itertools.chain(answers[:-1], itertools.repeat(answers[-1])) if answers else iter(())
