"""The credits row: what a warm call on Inference Providers sends, for a provider that answers with the
image's bytes and for one whose task is polled, against the project's fake router and Hub."""

from __future__ import annotations

import os
import tempfile

import hfimage
from hfimage.testing import FakeHub, FakeRouter, mapping
from tests.benchmarks.table import median, report, timed

REPO = "black-forest-labs/FLUX.1-schnell"
TOKEN = "hf_benchmarktoken0000"


def credits(rounds: int) -> None:
    print("credits (Inference Providers, fake router and Hub on 127.0.0.1)", flush=True)
    with FakeRouter() as router, FakeHub() as hub, tempfile.TemporaryDirectory() as folder:
        hub.models[REPO] = mapping("hf-inference", "wavespeed")
        before, os.environ["HF_ENDPOINT"] = os.environ.get("HF_ENDPOINT"), hub.url
        with hfimage.Client(token=TOKEN, router_url=router.url, cache=folder) as first:
            first.generate("a fox", model=REPO, credits="hf-inference")  # the mapping, now on disk
        asked_total = 0
        for provider in ("hf-inference", "wavespeed"):
            with hfimage.Client(token=TOKEN, router_url=router.url, cache=folder) as client:  # a new process's view
                hub_before, router_before, cdn_before = (
                    len(hub.requests),
                    len(router.requests),
                    len(router.cdn.requests),
                )
                walls = [timed(lambda chosen=provider: client.generate("a fox", model=REPO, credits=chosen))[0]
                         for _ in range(rounds)]  # fmt: skip
                per_call = (len(router.requests) - router_before) / rounds
                images = (len(router.cdn.requests) - cdn_before) / rounds
                asked_hub = len(hub.requests) - hub_before
            report(f"warm call, {provider}: requests to the router / the image's host / the Hub",
                   f"{per_call:.0f} / {images:.0f} / {asked_hub}, {median(walls) * 1000:.0f} ms")  # fmt: skip
            asked_total += asked_hub
        report("warm calls ask the Hub", f"{asked_total} times", "0", asked_total == 0)
        if before is None:
            del os.environ["HF_ENDPOINT"]
        else:
            os.environ["HF_ENDPOINT"] = before
