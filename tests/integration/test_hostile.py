"""Promises kept against hostile servers: the token's scope, the deadline as a wall, prompt
cancellation, only typed errors, bounded work. Each class is tried with several cases, through
the sync API and through hfimage.aio, against the project's fakes on 127.0.0.1."""

import os
import socket
import threading
import time
import traceback

import anyio
import pytest

import hfimage
import hfimage.aio
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs, Voodoohop_Flux1Schnell
from hfimage.testing import FakeImageLabs, FakeSpace, Fault, Reply, raw, solid_png

from ..helpers import SLACK

TOKEN = "hf_HostileTestToken0123456789"

TIMEOUT = 1.0

WALL = TIMEOUT + SLACK
"""A call that ends before this did not wait for a fault: each would hold it 20 s or more."""


def sync_generate(provider, **params):
    with hfimage.Client(timeout=params.pop("timeout", TIMEOUT), protocol=params.pop("protocol", "call")) as client:
        image = client.generate("a fox", provider=provider, **params)
        image.content  # noqa: B018 - the download is part of what is measured
        return image


def aio_generate(provider, **params):
    async def call():
        timeout, protocol = params.pop("timeout", TIMEOUT), params.pop("protocol", "call")
        async with hfimage.aio.Client(timeout=timeout, protocol=protocol) as client:
            return await client.generate("a fox", provider=provider, **params)

    return anyio.run(call)


APIS = pytest.mark.parametrize("generate", [sync_generate, aio_generate], ids=["sync", "aio"])


def outcome(function, *args, **kwargs):
    started = time.monotonic()
    try:
        result = function(*args, **kwargs)
    except hfimage.HFImageError as error:
        result = error
    return result, time.monotonic() - started


HOSTILE_URLS = [
    "http://{evil}\\@x.hf.space/img.png",  # urlsplit reads x.hf.space, urllib3 connects to {evil}
    "http://user:pass@{evil}/img.png",
    "http://{evil}@x.hf.space/img.png",
    "http://{evil}/img\r\nX-Injected: 1.png",
    "http://{evil}/img .png",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "ftp://{evil}/img.png",
]


@APIS
@pytest.mark.parametrize("hostile", HOSTILE_URLS)
def test_an_ambiguous_image_url_is_refused_and_nothing_reaches_its_host(generate, hostile):
    with FakeSpace() as space, FakeSpace() as evil:
        url = hostile.format(evil=evil.url.removeprefix("http://"))
        space.script([("complete", [{"url": url, "meta": {"_type": "gradio.FileData"}}, 1])])
        result, _ = outcome(generate, BlackForestLabs_Flux1Schnell(url=space.url, token=TOKEN))
    assert isinstance(result, hfimage.ProtocolError), result
    assert "will not fetch" in str(result)
    assert evil.requests == []
    assert evil.connections == 0


@pytest.mark.parametrize("hostile", [*HOSTILE_URLS[:3], HOSTILE_URLS[4], "//{evil}\\@x.hf.space/img.png"])
def test_an_ambiguous_redirect_is_not_followed(hostile):
    with FakeSpace() as space, FakeSpace() as evil:
        outputs = space.image(3)
        location = hostile.format(evil=evil.url.removeprefix("http://"))
        space.files[outputs[0]["path"]] = Reply(302, "", "text/plain", headers={"Location": location})
        space.script([("complete", outputs)])
        with hfimage.Client(timeout=TIMEOUT) as client:
            image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url, token=TOKEN))
            with pytest.raises(hfimage.ProtocolError, match="redirected to a URL hfimage will not follow"):
                image.content  # noqa: B018
    assert evil.requests == []


@pytest.mark.parametrize("path", ["../../secret", "/tmp/gradio/../../../secret", "a/./b.png", "/tmp/x\n.png"])
def test_a_file_path_that_climbs_out_is_refused(path):
    with FakeSpace() as space:
        space.script([("complete", [{"path": path}, 1])])
        client = hfimage.Client(timeout=TIMEOUT, protocol="call")
        with client, pytest.raises(hfimage.ProtocolError, match="file path"):
            client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url))
    assert [request.route for request in space.requests][:2] == ["/config", "/gradio_api/call/infer"]
    assert not any("file=" in request.route or "secret" in request.route for request in space.requests)


@APIS
@pytest.mark.parametrize("event_id", ["../../secret", "abc\n", "a/b", "x?y=1", "%2e%2e", "", 12.5, ["x"], "é"])
@pytest.mark.parametrize("protocol", ["call", "queue"])
def test_an_event_id_that_is_not_a_plain_id_is_refused(generate, event_id, protocol):
    with FakeSpace() as space:
        space.script(Reply(200, {"event_id": event_id}))
        result, _ = outcome(generate, BlackForestLabs_Flux1Schnell(url=space.url), protocol=protocol)
    assert isinstance(result, hfimage.ProtocolError), result
    assert len(space.requests) == 2  # the config and the job's POST: nothing was asked of another path


def test_a_task_id_that_is_not_a_plain_id_is_refused():
    with FakeImageLabs() as server:
        server.script(Reply(200, {"task_id": "../admin"}))
        with hfimage.Client(timeout=TIMEOUT) as client, pytest.raises(hfimage.ProtocolError, match="task id"):
            client.generate("a fox", provider=ImageLabs(url=server.url))
    assert [request.path for request in server.requests] == ["/txt2img"]


def test_a_providers_token_goes_to_its_own_origin_only_not_to_another_port_of_its_host():
    with FakeSpace() as space, FakeSpace() as other_port:
        outputs = other_port.image(4)
        space.script([("complete", [{"url": outputs[0]["url"]}, 4])])
        with hfimage.Client(timeout=TIMEOUT) as client:
            image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url, token=TOKEN))
            assert image.content == other_port.files[outputs[0]["path"]]
    assert all(request.headers.get("Authorization") == f"Bearer {TOKEN}" for request in space.requests)
    assert [request.headers.get("Authorization") for request in other_port.requests] == [None]


@pytest.mark.parametrize("value", ["hf_abc\nhf_def", "hf_a b", "hf_é", "hf_\x07x"])
def test_a_token_that_cannot_be_a_header_is_refused_before_anything_is_sent(monkeypatch, value):
    with FakeSpace() as space:
        provider = BlackForestLabs_Flux1Schnell(url=space.url)
        with hfimage.Client() as client, pytest.raises(hfimage.InvalidRequestError) as given:
            client.generate("a fox", provider=provider, token=value)
        monkeypatch.setenv("HF_TOKEN", value)
        with hfimage.Client() as client, pytest.raises(hfimage.InvalidRequestError) as from_env:
            client.generate("a fox", provider=provider)
    assert space.requests == []
    assert str(given.value).startswith("token= is not a Hugging Face token")
    assert str(from_env.value).startswith("The HF_TOKEN environment variable is not a Hugging Face token")
    for caught in (given, from_env):
        assert value not in str(caught.value)


@pytest.mark.parametrize("padding", [250, 285, 290, 295, 299])
def test_a_token_echoed_at_the_edge_of_an_excerpt_leaves_no_part_of_itself(padding):
    with FakeSpace() as space:
        echo = "x" * padding + f"Bearer {TOKEN} and more text after it"
        space.script(Reply(500, {"detail": echo}), [("error", {"error": echo})], Reply(200, echo, "text/plain"))
        provider = BlackForestLabs_Flux1Schnell(url=space.url, token=TOKEN)
        errors = []
        for _ in range(3):
            client = hfimage.Client(timeout=TIMEOUT, protocol="call")
            with client, pytest.raises(hfimage.HFImageError) as caught:
                client.generate("a fox", provider=provider)
            errors.append(caught.value)
    for error in errors:
        text = "".join(traceback.format_exception(error))
        assert not any(TOKEN[:length] in text for length in range(6, len(TOKEN) + 1)), text


SPACE_PHASES = {
    "config drips": Fault(route="/config", drip=0.3),
    "config head stalls": Fault(route="/config", stall=30),
    "job POST drips its head": Fault(route="/gradio_api/call/infer", drip=0.3, times=1),
    "job POST answer drips": Fault(route="/gradio_api/call/infer", drip=0.3, drip_after=120, times=1),
    "event stream drips, chunked": Fault(route="/gradio_api/call/infer/", drip=0.3, drip_after=120),
    "event stream drips, close-delimited": Fault(route="/gradio_api/call/infer/", drip=0.3, close_delimited=True),
    "queue stream drips": Fault(route="/gradio_api/queue/data", drip=0.3, drip_after=150),
    "image head stalls": Fault(route="/gradio_api/file=", stall=30),
    "image drips": Fault(route="/gradio_api/file=", drip=0.3, drip_after=120),
    "image drips, close-delimited": Fault(route="/gradio_api/file=", drip=0.3, drip_after=90, close_delimited=True),
}


@APIS
@pytest.mark.parametrize("phase", SPACE_PHASES, ids=list(SPACE_PHASES))
def test_no_phase_of_a_call_outlasts_the_timeout(generate, phase):
    with FakeSpace() as space:
        space.inject(SPACE_PHASES[phase])
        protocol = "queue" if "queue" in phase else "call"
        result, took = outcome(generate, BlackForestLabs_Flux1Schnell(url=space.url), protocol=protocol)
    assert isinstance(result, hfimage.TimeoutError), result
    assert took < WALL, f"{phase}: {took:.2f} s"


@APIS
@pytest.mark.parametrize("route", ["/txt2img", "/progress"])
def test_imagelabs_answers_that_drip_are_cut_at_the_timeout(generate, route):
    with FakeImageLabs() as server:
        server.inject(Fault(route=route, drip=0.3, drip_after=100))
        result, took = outcome(generate, ImageLabs(url=server.url))
    assert isinstance(result, hfimage.TimeoutError), result
    assert took < WALL


def test_a_connection_that_is_never_accepted_is_cut_at_the_timeout():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        fillers = []
        for _ in range(8):  # fill the accept queue: later connections wait for the handshake
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
            fillers.append(filler)
        url = "http://{}:{}".format(*listener.getsockname())
        try:
            result, took = outcome(sync_generate, BlackForestLabs_Flux1Schnell(url=url))
        finally:
            for filler in fillers:
                filler.close()
    assert isinstance(result, (hfimage.TimeoutError, hfimage.ConnectionError)), result
    assert took < WALL


def test_a_proxy_that_accepts_but_never_answers_is_cut_at_the_timeout():
    with FakeSpace() as proxy:
        proxy.inject(Fault(route="", stall=30))
        with hfimage.Client(timeout=TIMEOUT, proxy=proxy.url) as client:
            provider = BlackForestLabs_Flux1Schnell(url="http://space.invalid")  # reached through the proxy only
            result, took = outcome(client.generate, "a fox", provider=provider)
    assert isinstance(result, hfimage.TimeoutError), result
    assert took < WALL


def test_a_later_download_gets_a_wall_of_its_own(tmp_path):
    with FakeSpace() as space, hfimage.Client(timeout=TIMEOUT) as client:
        image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url))
        space.inject(Fault(route="/gradio_api/file=", drip=0.3, drip_after=120))
        for read in (lambda: image.content, lambda: image.save(tmp_path / "fox.png")):
            result, took = outcome(read)
            assert isinstance(result, hfimage.TimeoutError), result
            assert took < WALL
    assert list(tmp_path.iterdir()) == []


CANCEL_PHASES = {
    "job POST hangs": Fault(route="/gradio_api/call/infer", stall=30, times=1),
    "event stream hangs": Fault(route="/gradio_api/call/infer/", stall=30),
    "image download drips": Fault(route="/gradio_api/file=", drip=0.3, drip_after=120),
}


@pytest.mark.parametrize("phase", CANCEL_PHASES, ids=list(CANCEL_PHASES))
@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_cancelling_returns_within_half_a_second_and_closes_the_connection(phase, backend):
    async def main(space):
        async with hfimage.aio.Client(timeout=60, protocol="call") as client:
            with anyio.move_on_after(0.5):
                await client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url))
            return time.monotonic()

    with FakeSpace() as space:
        space.inject(CANCEL_PHASES[phase])
        started = time.monotonic()
        returned = anyio.run(main, space, backend=backend)
        assert returned - started < 1.0  # 0.5 s until the cancel, then at most half a second
        assert wait_for(lambda: [t for t in threading.enumerate() if t.name == "hfimage-worker"] == [])


def test_cancelling_aio_download_of_a_preview_is_prompt():
    async def main(space):
        async with hfimage.aio.Client(timeout=60) as client:
            image = await client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url))
            space.inject(Fault(route="/gradio_api/file=", drip=0.3, drip_after=120))
            image.__dict__.pop("_content")  # as a Preview would be: not downloaded yet
            with anyio.move_on_after(0.3):
                await hfimage.aio.download(image)
            return time.monotonic()

    with FakeSpace() as space:
        started = time.monotonic()
        returned = anyio.run(main, space)
    assert returned - started < 1.5


def test_ctrl_c_during_an_async_download_exits_within_two_seconds(tmp_path):
    import signal
    import subprocess
    import sys

    script = tmp_path / "slow.py"
    script.write_text(
        "import asyncio, sys, hfimage.aio\n"
        "from hfimage.providers import BlackForestLabs_Flux1Schnell as F\n"
        "print('started', flush=True)\n"
        "asyncio.run(hfimage.aio.generate('a fox', provider=F(url=sys.argv[1]), timeout=60))\n"
    )
    with FakeSpace() as space:
        space.inject(Fault(route="/gradio_api/file=", drip=0.3, drip_after=120))
        process = subprocess.Popen(
            [sys.executable, str(script), space.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert process.stdout.readline() == b"started\n"
        assert wait_for(lambda: any(r.route.startswith("/gradio_api/file=") for r in space.requests), 10)
        time.sleep(0.3)
        interrupted = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        took = time.monotonic() - interrupted
        process.stdout.close()
        process.stderr.close()
    assert process.returncode != 0
    assert took < 10.0  # not the 60 s timeout, nor the dripping download's 30 s


DEEP = "[" * 100_000 + "]" * 100_000


GARBAGE_EVENTS = {
    "invalid UTF-8 in data": lambda s: raw(b"event: complete\ndata: [\xff\xfe]\n\n"),
    "invalid UTF-8 in the event name": lambda s: raw(b"event: compl\xc3\x28te\ndata: []\n\n"),
    "deeply nested JSON": lambda s: raw(f"event: complete\ndata: {DEEP}\n\n".encode()),
    "a huge number as the seed": lambda s: ("complete", [s.image()[0], 10**400]),
    "outputs of the wrong type": lambda s: ("complete", {"path": 5}),
    "a path that is not text": lambda s: ("complete", [{"path": ["x"]}, 1]),
}


@APIS
@pytest.mark.parametrize("garbage", GARBAGE_EVENTS, ids=list(GARBAGE_EVENTS))
def test_garbage_in_an_event_is_a_typed_error_and_the_next_provider_serves(generate, garbage):
    with FakeSpace() as first, FakeSpace() as second:
        first.script([GARBAGE_EVENTS[garbage](first)], [GARBAGE_EVENTS[garbage](first)])
        providers = [BlackForestLabs_Flux1Schnell(url=first.url), Voodoohop_Flux1Schnell(url=second.url)]
        result, _ = outcome(generate, providers)
        alone, _ = outcome(generate, BlackForestLabs_Flux1Schnell(url=first.url))
    assert isinstance(result, hfimage.Image), result
    assert result.provider == "Voodoohop_Flux1Schnell"
    assert isinstance(result.attempts[0].error, hfimage.HFImageError)
    assert type(alone) is hfimage.ProtocolError, alone  # alone, the garbage fails the call, typed


@pytest.mark.parametrize(
    ("queue_message", "expected"),
    [
        # a preview that cannot be read is left out: the final image still comes
        ({"msg": "process_generating", "output": {"data": [[["replace", [], DEEP]]]}, "success": True}, hfimage.Image),
        ({"msg": "process_generating", "output": {"data": 5}, "success": True}, hfimage.ProtocolError),
        ({"msg": "estimation", "rank": 10**400, "queue_size": "x", "rank_eta": 1e308}, hfimage.ProtocolError),
        (
            {"msg": "progress", "progress_data": [{"index": 10**400, "length": None, "desc": ["x"]}]},
            hfimage.ProtocolError,
        ),
    ],
)
def test_garbage_in_a_queue_message_is_typed(queue_message, expected):
    with FakeSpace() as space:
        space.script([("queue", {"msg": "process_generating", "output": {"data": [[1]]}, "success": True}),
                      ("queue", queue_message), space.final()])  # fmt: skip
        result, _ = outcome(sync_generate, BlackForestLabs_Flux1Schnell(url=space.url), protocol="queue")
    assert type(result) is expected, result


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        # an unreadable config: the app is found by its API description, and the built-in's signature serves
        ({"components": 5, "dependencies": "x"}, hfimage.Image),
        (
            {
                "components": [{"id": 1, "props": {"minimum": 10**400}}],
                "dependencies": [{"api_name": "infer", "inputs": 7}],
            },
            hfimage.Image,
        ),
        ({"dependencies": [{"api_name": "infer", "inputs": [1] * 6, "id": 10**400}], "components": [{"id": [1]}]},
         hfimage.Image),
        # a config that reads, but names no API prefix: the job goes where the app has nothing, typed
        ({"version": ["6"], "api_prefix": 5, "protocol": {"x": 1}, "dependencies": [None, 3, "x"]},
         hfimage.ProtocolError),
    ],
)  # fmt: skip
def test_a_config_of_the_wrong_shape_is_never_an_untyped_error(config, expected):
    with FakeSpace() as space:
        space.config = lambda: config
        result, _ = outcome(sync_generate, BlackForestLabs_Flux1Schnell(url=space.url))
    assert type(result) is expected, result


def test_truncated_image_bytes_are_a_broken_image_error_and_leave_no_file(tmp_path):
    pytest.importorskip("PIL")
    with FakeSpace() as space:
        outputs = space.image(3, size=(64, 64))
        space.files[outputs[0]["path"]] = solid_png(64, 64, (1, 2, 3))[:60]
        space.script([("complete", outputs)])
        with hfimage.Client(timeout=TIMEOUT) as client:
            image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url))
            with pytest.raises(hfimage.BrokenImageError, match="truncated or corrupt") as caught:
                image.to_pil()
            assert isinstance(caught.value, OSError)
            with pytest.raises(hfimage.BrokenImageError):
                image.save(tmp_path / "fox.jpg")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only folder")
def test_saving_into_a_read_only_folder_is_a_typed_permission_error(fake_space, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    with hfimage.Client() as client:
        image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        with pytest.raises(hfimage.SavePermissionError) as caught:
            image.save(folder / "fox.png")
    assert isinstance(caught.value, PermissionError)
    assert str(folder) in str(caught.value)


def test_saving_where_the_file_system_refuses_is_typed_and_keeps_the_builtin_kind(fake_space, tmp_path):
    (tmp_path / "a-file").write_text("x")
    with hfimage.Client() as client:
        image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        with pytest.raises(hfimage.SaveFileExistsError) as exists:
            image.save(tmp_path / "a-file" / "fox.png", parents=True)
        with pytest.raises(hfimage.SaveNotADirectoryError) as not_a_folder:
            image.save(tmp_path / "a-file" / "deeper" / "fox.png")
        with pytest.raises(hfimage.SaveError) as proc:
            image.save("/proc/hfimage-test/fox.png")
    assert isinstance(exists.value, FileExistsError)
    assert isinstance(not_a_folder.value, NotADirectoryError)
    assert exists.value.path == str(tmp_path / "a-file" / "fox.png")
    assert "a file stands where a folder is needed" in str(exists.value)
    assert isinstance(proc.value, OSError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_an_old_part_file_left_by_a_dead_process_is_removed_by_a_later_save(fake_space, tmp_path):
    old = tmp_path / ".hfimage-dead.part"
    fresh = tmp_path / ".hfimage-live.part"
    for part in (old, fresh):
        part.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    with hfimage.Client() as client:
        image = client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        saved = image.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, saved.name])


def wait_for(condition, seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.02)
    return condition()


def test_the_watchdog_ends_soon_after_the_last_call_not_at_its_deadline():
    with FakeSpace(delay=0.3) as space, hfimage.Client(timeout=60) as client:  # it waits while the job runs
        client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url=space.url))
    # it lingers half a second; half the call's 60 s deadline leaves a slow, busy machine room
    assert wait_for(lambda: not any(t.name == "hfimage-watchdog" for t in threading.enumerate()), seconds=30)
