"""ImageLabs: SDXL Turbo behind a start-then-poll web API."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

from .._core.request import GenerationRequest
from .._http.auth import Credential
from .._protocols.imagelabs import run_task
from .._protocols.output import Output, sized
from .._protocols.poll import PollSchedule
from ..results import Event
from .base import Job, Provider, RunContext


class ImageLabs(Provider):
    """SDXL Turbo on ImageLabs' web API: start a task, then poll it until it is done.

    It never receives a Hugging Face token.
    """

    label = "ImageLabs"
    zerogpu = False
    default_url = "https://editor.imagelabs.net"
    takes = frozenset({"negative_prompt", "width", "height", "aspect_ratio", "seed"})
    default_size = (1152, 896)
    max_seed = 2**32 - 1
    schedule = PollSchedule()

    def __init__(self, url: str | None = None) -> None:
        super().__init__(url)

    def credential(self, client_token: str | None) -> Credential | None:
        return None

    def prepare(self, request: GenerationRequest) -> Job:
        self.check(request)
        width, height = request.size(default=self.default_size)
        seed = random.randint(0, self.max_seed) if request.seed is None else request.seed  # noqa: S311
        body = (
            ("prompt", request.prompt),
            ("seed", str(seed)),
            ("subseed", str(int(time.time() * 1000))),
            ("attention", 0),
            ("tiling", False),
            ("negative_prompt", request.negative_prompt or ""),
            ("reference_image", ""),
            ("reference_image_type", None),
            ("reference_strength", 30),
            ("width", width),
            ("height", height),
        )
        return Job(body, width, height, seed)

    def run(self, job: Job, context: RunContext) -> Iterator[Output | Event]:
        task = run_task(context.channel, self.url, dict(job.inputs), seed=job.seed, schedule=self.schedule)
        return sized(task, job.width, job.height, job.seed)
