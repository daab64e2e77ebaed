"""The disk cache: what spaces and the Hub said of themselves, kept for the next process.

A cache entry saves round trips and nothing else: a stale, damaged, foreign or unwritable one is
a miss, and an app that changed behind it is read once more and the job sent again.
"""

import json
import os
from pathlib import Path

import pytest

import hfimage
from hfimage import Space
from hfimage._core.disk_cache import FORMAT, DiskCache
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeHub, FakeSpace, Input, Signature

from ..helpers import run_hfimage


def entry_files(folder):
    return sorted(path for path in folder.rglob("*") if path.is_file())


def routes(server):
    return [request.route for request in server.requests]


def job_routes(space):
    """A job's routes on the call route, as ``short()`` gives them: submission, stream, download."""
    return ["/gradio_api/call/infer", "/gradio_api/call/infer/", "/gradio_api/file="]


def short(space):
    """The routes it received, ids and file paths cut off."""
    cut = []
    for route in routes(space):
        for stem in ("/gradio_api/call/infer/", "/gradio_api/file="):
            route = stem if route.startswith(stem) else route  # noqa: PLW2901
        cut.append(route)
    return cut


def png(image):
    """The image's bytes, downloaded, checked to be a PNG."""
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    return image.content


def generate(client, space, prompt="a fox"):
    return png(client.generate(prompt, space=space.url, seed=3))


def test_a_new_client_sends_the_job_without_reading_the_app_again(tmp_path):
    with FakeSpace() as space:
        with hfimage.Client(protocol="call", cache=tmp_path) as first:
            generate(first, space)
        assert short(space) == ["/config", "/gradio_api/info", *job_routes(space)]
        space.requests.clear()
        with hfimage.Client(protocol="call", cache=tmp_path) as second:
            generate(second, space)
        assert short(space) == job_routes(space)
        assert space.received[-1] == {**space.received[0]}


def test_without_the_cache_a_new_client_reads_the_app_again(tmp_path):
    with FakeSpace() as space:
        for _ in range(2):
            with hfimage.Client(protocol="call", cache=False) as client:
                generate(client, space)
    assert short(space) == 2 * ["/config", "/gradio_api/info", *job_routes(space)]
    assert entry_files(tmp_path) == []


def test_the_default_client_keeps_its_cache_in_hfimage_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("HFIMAGE_CACHE", str(tmp_path))
    with FakeSpace() as space:
        hfimage.generate("a fox", space=space.url, protocol="call")
    [entry] = entry_files(tmp_path)
    saved = json.loads(entry.read_text())
    assert (saved["format"], saved["key"], entry.parent.name) == (FORMAT, space.url, "gradio-apps")
    assert saved["value"]["config"] == space.config()
    assert saved["value"]["info"] == space.info()


def test_an_entry_past_its_age_is_read_again(tmp_path):
    with FakeSpace() as space:
        with hfimage.Client(protocol="call", cache=tmp_path) as first:
            generate(first, space)
        [entry] = entry_files(tmp_path)
        saved = json.loads(entry.read_text())
        entry.write_text(json.dumps({**saved, "saved": saved["saved"] - 25 * 3600}))
        space.requests.clear()
        with hfimage.Client(protocol="call", cache=tmp_path) as second:
            generate(second, space)
    assert short(space) == ["/config", "/gradio_api/info", *job_routes(space)]


@pytest.mark.parametrize(
    "value",
    [
        {"config": [1, 2], "api_prefix": "", "named": False, "info": None},
        {"config": None, "api_prefix": "/../../elsewhere", "named": False, "info": None},
        {"config": {"dependencies": "many"}, "api_prefix": "", "named": True, "info": {"named_endpoints": 3}},
        "not a description",
    ],
    ids=["config-not-an-object", "foreign-prefix", "info-of-no-shape", "not-an-object"],
)
def test_an_entry_no_app_could_have_sent_is_read_again_and_replaced(tmp_path, value):
    with FakeSpace() as space:
        DiskCache(tmp_path).save("gradio-apps", space.url, value)
        with hfimage.Client(protocol="call", cache=tmp_path) as client:
            generate(client, space)
        assert short(space) == ["/config", "/gradio_api/info", *job_routes(space)]
        assert DiskCache(tmp_path).load("gradio-apps", space.url)["config"] == space.config()


PROMPT_AND_SEED = Signature(
    "infer", (Input("prompt", "textbox"), Input("seed", "slider", 0, 0, 2**31 - 1, 1)), outputs=("image",)
)


def test_an_app_that_changed_behind_the_cache_is_read_once_more_and_sent_the_job_again(tmp_path):
    with FakeSpace() as space:
        with hfimage.Client(protocol="call", cache=tmp_path) as first:
            generate(first, space)
        space.signature = PROMPT_AND_SEED  # the owner rewrote the app: other inputs, same endpoint
        space.requests.clear()
        with hfimage.Client(protocol="call", cache=tmp_path) as second:
            generate(second, space, "a heron")
        assert short(space) == [*job_routes(space)[:2], "/config", "/gradio_api/info", *job_routes(space)]
        assert space.received[-1] == {"prompt": "a heron", "seed": 3}
        assert DiskCache(tmp_path).load("gradio-apps", space.url)["config"] == space.config()
        space.requests.clear()
        with hfimage.Client(protocol="call", cache=tmp_path) as third:
            generate(third, space)
        assert short(space) == job_routes(space)


def test_a_failure_that_is_not_a_change_leaves_the_job_unsent_twice(tmp_path):
    with FakeSpace() as space:
        with hfimage.Client(protocol="call", cache=tmp_path) as first:
            generate(first, space)
        space.script([("error", None)])
        space.requests.clear()
        with hfimage.Client(protocol="call", cache=tmp_path) as second, pytest.raises(hfimage.ProviderError):
            generate(second, space)
        assert short(space) == [*job_routes(space)[:2], "/config", "/gradio_api/info"]


def test_a_space_id_is_found_without_the_hub_by_a_new_client(tmp_path, fake_hub):
    with FakeSpace() as space:
        fake_hub.add("someone/fox", space.url)
        for _ in range(3):
            with hfimage.Client(protocol="call", cache=tmp_path) as client:
                png(client.generate("a fox", space="someone/fox"))
    assert routes(fake_hub) == ["/api/spaces/someone/fox"]
    assert short(space) == ["/config", "/gradio_api/info", *3 * job_routes(space)]


def test_a_kept_record_of_a_space_that_was_not_running_is_asked_again(tmp_path, fake_hub):
    with FakeSpace() as space:
        fake_hub.add("someone/fox", space.url, stage="PAUSED")
        with hfimage.Client(protocol="call", cache=tmp_path) as first, pytest.raises(hfimage.SpaceNotRunningError):
            first.generate("a fox", space="someone/fox")
        fake_hub.add("someone/fox", space.url)  # restarted by its owner
        DiskCache(tmp_path).save("fake_hub-spaces", f"{fake_hub.url} someone/fox",
                                 {"host": space.url, "sdk": "gradio", "runtime": {"stage": "PAUSED"}})  # fmt: skip
        with hfimage.Client(protocol="call", cache=tmp_path) as second:
            png(second.generate("a fox", space="someone/fox"))
    assert routes(fake_hub) == 2 * ["/api/spaces/someone/fox"]


def test_a_kept_record_names_its_hub_so_another_hub_is_asked(tmp_path, fake_hub, monkeypatch):
    with FakeSpace() as space, FakeHub() as mirror:
        fake_hub.add("someone/fox", space.url)
        mirror.add("someone/fox", space.url)
        with hfimage.Client(protocol="call", cache=tmp_path) as client:
            png(client.generate("a fox", space="someone/fox"))
        monkeypatch.setenv("HF_ENDPOINT", mirror.url)
        with hfimage.Client(protocol="call", cache=tmp_path) as client:
            png(client.generate("a fox", space="someone/fox"))
    assert (routes(fake_hub), routes(mirror)) == (["/api/spaces/someone/fox"], ["/api/spaces/someone/fox"])


@pytest.mark.parametrize("hub_url", [None, "fake"])
def test_a_built_in_provider_never_asks_the_hub(tmp_path, fake_hub, monkeypatch, hub_url):
    with FakeSpace() as space:
        fake_hub.add("black-forest-labs/FLUX.1-schnell", space.url)
        with hfimage.Client(cache=tmp_path, hub_url=fake_hub.url if hub_url else None) as client:
            for _ in range(2):
                png(client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url)))
    assert routes(fake_hub) == []


def test_the_second_run_of_the_command_sends_only_the_job(tmp_path):
    with FakeSpace() as space:
        for run in range(2):
            result = run_hfimage("a fox", "--space", space.url, "--protocol", "call", "-o", f"{run}.png",
                                 cwd=tmp_path, HFIMAGE_CACHE=str(tmp_path / "cache"))  # fmt: skip
            assert result.returncode == 0, result.stderr
            assert (tmp_path / f"{run}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert short(space) == ([] if run else ["/config", "/gradio_api/info"]) + job_routes(space)
            space.requests.clear()
    assert [path.parent.name for path in entry_files(tmp_path / "cache")] == ["gradio-apps"]


def test_a_space_handed_over_by_instance_is_cached_like_one_by_url(tmp_path):
    with FakeSpace() as space:
        for _ in range(2):
            with hfimage.Client(protocol="call", cache=tmp_path) as client:
                png(client.generate("a fox", provider=Space(space.url)))
    assert short(space) == ["/config", "/gradio_api/info", *2 * job_routes(space)]


def test_inspect_reads_the_app_as_it_is_now_and_refreshes_the_cache(tmp_path):
    with FakeSpace() as space:
        with hfimage.Client(protocol="call", cache=tmp_path) as first:
            generate(first, space)
        space.signature = PROMPT_AND_SEED
        space.requests.clear()
        with hfimage.Client(cache=tmp_path) as second:
            described = second.inspect(space.url)
        assert [spec.name for spec in described.inputs] == ["prompt", "seed"]
        assert short(space) == ["/config", "/gradio_api/info"]
        assert DiskCache(tmp_path).load("gradio-apps", space.url)["config"] == space.config()


def test_inspect_asks_the_hub_afresh_too(tmp_path, fake_hub):
    with FakeSpace() as space:
        fake_hub.add("someone/fox", space.url)
        for _ in range(2):
            with hfimage.Client(cache=tmp_path) as client:
                client.inspect("someone/fox")
    assert routes(fake_hub) == 2 * ["/api/spaces/someone/fox"]


@pytest.mark.parametrize("fixture", ["fake_space", "fake_hub", "fake_providers"])
def test_the_plugins_fixtures_give_each_test_an_empty_cache_of_its_own(fixture, request, tmp_path):
    request.getfixturevalue(fixture)
    folder = Path(os.environ["HFIMAGE_CACHE"])
    assert folder.is_dir()
    assert list(folder.iterdir()) == []
    with FakeSpace() as space:
        hfimage.generate("a fox", space=space.url, protocol="call")
    assert [path.parent.name for path in entry_files(folder)] == ["gradio-apps"]
