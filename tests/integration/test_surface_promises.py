"""Promises of the surface around a call kept against hostile input: names an app sends that would
change a URL, a space that is not there, a Hub that is silent, secrets in configuration, damaged
and concurrent state files, a clock set back, limits read long ago, huge lists, a stalled resolver."""

import os
import socket
import stat
import subprocess
import sys
import threading

import pytest

import hfimage
import hfimage.aio
from hfimage import QuotaMemory
from hfimage._core.quota_memory import MAX_REST
from hfimage._protocols import hub as hub_module
from hfimage.errors import QuotaExceededError
from hfimage.testing import FakeHub, FakeSpace, Fault, Input, Reply, Signature, error

from ..helpers import run_hfimage

NOT_FOUND = Reply(404, "<!DOCTYPE html><html><body>404</body></html>", "text/html")

UNAVAILABLE = Reply(503, "<!DOCTYPE html><html><body>503</body></html>", "text/html")


@pytest.fixture
def usual_hub(monkeypatch):
    """A fake Hub standing for huggingface.co itself, and spaces' usual hosts pointing at one fake app."""
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    with FakeHub() as hub, FakeSpace() as space:
        monkeypatch.setattr(hub_module, "DEFAULT_HUB", hub.url)
        monkeypatch.setattr("hfimage.providers.space.space_host", lambda space_id: space.url)
        yield hub, space


@pytest.mark.parametrize(
    ("described", "error", "stage"),
    [
        ({"stage": "PAUSED"}, hfimage.SpaceNotRunningError, "PAUSED"),
        ({"stage": "RUNTIME_ERROR"}, hfimage.SpaceNotRunningError, "RUNTIME_ERROR"),
        (None, hfimage.SpaceNotFoundError, None),
        ({"sdk": "docker"}, hfimage.NotAGradioSpaceError, None),
    ],
)
@pytest.mark.parametrize("call", ["generate", "inspect"])
def test_a_space_whose_usual_host_answers_404_is_explained_by_the_hub(usual_hub, described, error, stage, call):
    hub, space = usual_hub
    if described is not None:
        hub.add("owner/gone", space.url, **described)
    space.outage = NOT_FOUND
    with hfimage.Client(cache=False, timeout=10) as client, pytest.raises(error) as caught:
        getattr(client, call)(*(["a cat"] if call == "generate" else []), space="owner/gone")
    assert getattr(caught.value, "stage", None) == stage
    assert [request.method for request in space.requests if request.method != "GET"] == []
    assert [request.path for request in hub.requests] == ["/api/spaces/owner/gone"]


def test_a_running_space_whose_host_answers_404_says_it_is_not_a_gradio_app(usual_hub):
    hub, space = usual_hub
    hub.add("owner/odd", space.url)
    space.outage = NOT_FOUND
    with hfimage.Client(cache=False, timeout=10) as client, pytest.raises(hfimage.ProtocolError) as caught:
        client.generate("a cat", space="owner/odd")
    assert "does not answer as a Gradio app" in str(caught.value)
    assert caught.value.status_code == 404


@pytest.mark.parametrize("call", ["generate", "inspect"])
def test_a_space_that_answers_503_while_the_hub_is_silent_ends_at_the_deadline(usual_hub, call):
    hub, space = usual_hub
    space.outage = UNAVAILABLE
    hub.inject(Fault(route="/api/spaces", stall=30))
    with hfimage.Client(cache=False, timeout=1) as client, pytest.raises(hfimage.TimeoutError, match=r"after 1 s"):
        getattr(client, call)(*(["a cat"] if call == "generate" else []), space="owner/silent")


def test_a_hub_that_fails_fast_leaves_the_spaces_own_error(usual_hub):
    hub, space = usual_hub
    space.outage = UNAVAILABLE
    hub.outage = Reply(500, "oops", "text/plain")
    with hfimage.Client(cache=False, timeout=10) as client, pytest.raises(hfimage.ServiceUnavailableError) as caught:
        client.generate("a cat", space="owner/flaky")
    assert caught.value.status_code == 503


def test_refusing_a_value_among_a_million_choices_quotes_a_few_of_them():
    steps = Input("num_inference_steps", "dropdown", 8, choices=tuple(range(8, 1_000_008)))
    signature = Signature("infer", (Input("prompt", "textbox"), steps))
    with FakeSpace(signature=signature) as space, hfimage.Client(cache=False) as client:
        with pytest.raises(hfimage.InvalidRequestError) as caught:
            client.generate("a cat", space=space.url, steps=7)
        assert [request.method for request in space.requests] == ["GET", "GET"]
    message = str(caught.value)
    assert "among 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, … and 999988 more; got 7" in message
    assert len(message) < 400


def test_an_app_input_with_a_huge_name_is_quoted_short():
    huge = "w" * 100_000
    signature = Signature("infer", (Input("prompt", "textbox"), Input(huge, "dropdown", "a", choices=("a", "b"))))
    refused = pytest.raises(hfimage.InvalidRequestError, match="has no input for steps")
    with FakeSpace(signature=signature) as space, hfimage.Client(cache=False) as client, refused as caught:
        client.generate("a cat", space=space.url, steps=3)
    assert len(str(caught.value)) < 600


DAMAGED_MEMORIES = [
    '{"format": 2, "rests": {"ZeroGPU anonymous": {"until": 1' + "0" * 400 + ', "wait": 60}}}',
    '{"format": 2, "rests": {"ZeroGPU anonymous": {"until": Infinity, "wait": Infinity}}}',
    '{"format": 2, "rests": {"ZeroGPU anonymous": {"until": NaN, "wait": 60}}}',
    '{"format": 2, "rests": {"ZeroGPU anonymous": {"until": 1e308, "wait": -5}}}',
    '{"format": 2, "rests": {"ZeroGPU anonymous": [1, 2]}}',
    '{"format": 2, "rests": []}',
    '{"ZeroGPU anonymous": 1' + "0" * 400 + "}",
    '{"ZeroGPU anonymous": Infinity}',
    "[" * 100_000 + "]" * 100_000,
    "\x00\xff not json",
    "",
]


@pytest.mark.parametrize("text", DAMAGED_MEMORIES)
def test_a_damaged_quota_memory_is_no_memory(tmp_path, fake_space, text):
    path = tmp_path / "quota.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    memory = QuotaMemory(path)
    assert memory.cooling() == {}
    with hfimage.Client(quota=memory, cache=False) as client:
        assert client.generate("a cat", space=fake_space.url).seed is not None


@pytest.mark.parametrize("text", DAMAGED_MEMORIES[:2])
def test_the_command_line_runs_with_a_damaged_quota_memory(tmp_path, fake_space, text):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "quota.json").write_text(text)
    done = run_hfimage("a cat", "--space", fake_space.url, "-o", str(tmp_path / "cat.png"),
                       HFIMAGE_CACHE=str(tmp_path / "cache"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cat.png").stat().st_size > 0


WRITER = """
import sys, time
from pathlib import Path
from hfimage import QuotaMemory, QuotaExceededError
path, key, start = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
memory = QuotaMemory(path)
time.sleep(max(0.0, start - time.time()))
memory.remember(key, QuotaExceededError("q", retry_after=600))
"""


def test_ten_processes_at_once_keep_all_ten_rests(tmp_path):
    path = tmp_path / "cache" / "quota.json"
    start = str(__import__("time").time() + 1.0)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), f"provider {index}", start]) for index in range(10)
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0] * 10
    assert sorted(QuotaMemory(path).cooling()) == sorted(f"provider {index}" for index in range(10))


@pytest.fixture
def no_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_folders_the_cache_creates_are_private_to_the_user_whatever_the_umask(tmp_path, fake_space, no_umask):
    cache = tmp_path / "made" / "here"
    with hfimage.Client(cache=cache) as client:
        client.generate("a cat", space=fake_space.url)
    QuotaMemory(tmp_path / "quota" / "deep" / "quota.json").remember("P", QuotaExceededError("q"))
    folders = [tmp_path / "made", cache, *[path for path in cache.rglob("*") if path.is_dir()],
               tmp_path / "quota", tmp_path / "quota" / "deep"]  # fmt: skip
    assert len(folders) >= 4
    assert {oct(stat.S_IMODE(folder.stat().st_mode)) for folder in folders} == {"0o700"}
    files = [path for path in [*cache.rglob("*"), *(tmp_path / "quota").rglob("*")] if path.is_file()]
    assert {oct(stat.S_IMODE(path.stat().st_mode)) for path in files} == {"0o600"}


def narrow(maximum):
    return Signature("infer", (Input("prompt", "textbox"), Input("width", "slider", 512, 256, maximum, 32),
                               Input("height", "slider", 512, 256, maximum, 32)))  # fmt: skip


def test_a_refusal_from_a_cached_description_reads_the_app_again_first(tmp_path):
    with FakeSpace(signature=narrow(512)) as space:
        with hfimage.Client(cache=tmp_path) as first:
            first.generate("a cat", space=space.url, width=512, height=512)
        space.signature = narrow(2048)
        with hfimage.Client(cache=tmp_path) as later:
            image = later.generate("a cat", space=space.url, width=1024, height=512)
    assert (image.width, space.received[-1]["width"]) == (1024, 1024)


def test_a_long_lived_client_reads_the_app_again_before_refusing_too():
    with FakeSpace(signature=narrow(512)) as space, hfimage.Client(cache=False) as client:
        client.generate("a cat", space=space.url, width=512, height=512)
        space.signature = narrow(2048)
        assert client.generate("a cat", space=space.url, width=1024, height=512).width == 1024


def test_a_refusal_the_app_confirms_costs_one_reading_and_sends_no_job(tmp_path):
    with FakeSpace(signature=narrow(512)) as space:
        with hfimage.Client(cache=tmp_path) as first:
            first.generate("a cat", space=space.url, width=512, height=512)
        before = len(space.requests)
        with hfimage.Client(cache=tmp_path) as later, pytest.raises(hfimage.InvalidRequestError, match="256 to 512"):
            later.generate("a cat", space=space.url, width=1024, height=512)
        read_again = [request.method for request in space.requests[before:]]
    assert read_again == ["GET", "GET"]


class Resolver:
    """``*.test`` names resolve to 127.0.0.1, except ``stalled.test``, whose look-up waits until released."""

    def __init__(self):
        self.asked = []
        self.stalled = threading.Event()
        """Set while a look-up of ``stalled.test`` is blocked: a call that ended meanwhile did not wait for it."""
        self.release = threading.Event()
        self._real = socket.getaddrinfo

    def __call__(self, host, port, *args, **kwargs):
        self.asked.append(host)
        if host == "stalled.test":
            self.stalled.set()
            self.release.wait(30)
            self.stalled.clear()
            raise socket.gaierror(socket.EAI_AGAIN, "the resolver gave up")
        return self._real("127.0.0.1" if host.endswith(".test") else host, port, *args, **kwargs)


@pytest.fixture
def resolver(monkeypatch):
    fake = Resolver()
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    yield fake
    fake.release.set()
    # a look-up under way is shared by the calls that ask for the same name: let this test's end
    # before the next test asks, or the next call would be handed this one's failure
    _wait_until(lambda: not [thread for thread in threading.enumerate() if thread.name == "hfimage-resolve"])


def test_a_name_that_resolves_is_connected_to_at_its_address(resolver, fake_space):
    port = fake_space.url.rsplit(":", 1)[1]
    image = hfimage.generate("a cat", space=f"http://space.test:{port}", timeout=10)
    assert image.seed is not None
    assert [host for host in resolver.asked if host != "127.0.0.1"] == ["space.test"]  # urllib3 is given the address
    assert fake_space.requests[0].headers["Host"] == f"space.test:{port}"


def test_a_call_waiting_for_another_calls_reading_of_the_same_app_ends_at_its_own_deadline():
    cancellation = hfimage.Cancellation()
    with FakeSpace() as space, hfimage.Client(cache=False, timeout=30) as client:
        space.inject(Fault(route="/config", stall=30))
        plan = client.plan("a dog", space=space.url)
        slow = threading.Thread(target=_outcome, args=(hfimage.final_image, client.run(plan, cancellation)))
        slow.start()
        try:
            _wait_until(lambda: any(request.path == "/config" for request in space.requests))
            with pytest.raises(hfimage.TimeoutError, match="waiting for another call to read"):
                client.generate("a cat", space=space.url, timeout=0.5)
        finally:
            cancellation.cancel()
            slow.join()


def test_a_quota_memory_file_locked_by_a_stuck_writer_keeps_the_rest_in_memory(tmp_path, monkeypatch):
    fcntl = pytest.importorskip("fcntl")
    monkeypatch.setattr("hfimage._core.quota_memory.LOCK_WAIT_SECONDS", 0.05)
    path = tmp_path / "quota.json"
    memory = QuotaMemory(path)
    holder = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        memory.remember("P", QuotaExceededError("q", retry_after=60))
    finally:
        os.close(holder)
    assert 59 < memory.remaining("P") <= 60
    assert not path.exists()


def _outcome(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except hfimage.HFImageError as error:
        return error


def _wait_until(condition):
    done = threading.Event()
    for _ in range(1000):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("the condition never held")


@pytest.mark.parametrize(
    ("said", "seconds"),
    [("Try again in 99999999 days, 1:00:00", MAX_REST), ("Try again in 1 day, 0:00:30", 86430.0),
     ("Try again in " + "9" * 5000 + " days", None)],
)  # fmt: skip
def test_a_zerogpu_wait_of_any_length_is_bounded(fake_space, said, seconds):
    fake_space.script([error({"error": f"You have exceeded your GPU quota (60s requested vs. 0s left). {said}"})])
    with pytest.raises(QuotaExceededError) as caught:
        hfimage.generate("a cat", space=fake_space.url)
    assert caught.value.retry_after == seconds


@pytest.mark.parametrize("call", ["generate", "inspect"])
def test_a_stalled_resolver_ends_at_the_calls_deadline(resolver, call):
    with hfimage.Client(cache=False, timeout=1) as client, pytest.raises(hfimage.TimeoutError, match=r"after 1 s"):
        getattr(client, call)(*(["a cat"] if call == "generate" else []), space="http://stalled.test:9")
    assert resolver.stalled.is_set()
    assert resolver.asked == ["stalled.test"]


def test_cancelling_a_call_that_waits_for_the_resolver_ends_it_at_once(resolver):
    cancellation = hfimage.Cancellation()
    outcome = []

    def run():
        with hfimage.Client(cache=False, timeout=30) as client:
            try:
                hfimage.final_image(client.run(client.plan("a cat", space="http://stalled.test:9"), cancellation))
            except hfimage.HFImageError as error:
                outcome.append((type(error), resolver.stalled.is_set()))

    worker = threading.Thread(target=run)
    worker.start()
    assert resolver.stalled.wait(10)
    cancellation.cancel()
    worker.join()
    assert outcome == [(hfimage.CallCancelledError, True)]
