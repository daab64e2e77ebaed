"""Batches: one result per prompt in order, failures kept apart, concurrency honoured, resumable."""

import os
import signal
import subprocess
import sys
import time

import anyio
import pytest

import hfimage
import hfimage.aio
from hfimage import Image, InvalidRequestError, ProviderError
from hfimage.cli._batch import stem_for
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, error, pause, prompt_colour, solid_png

PROMPTS = [f"a fox number {index}" for index in range(8)]


def generate_many_sync(prompts, **params):
    return hfimage.generate_many(prompts, **params)


def generate_many_async(prompts, **params):
    return anyio.run(lambda: hfimage.aio.generate_many(prompts, **params))


@pytest.fixture(params=[generate_many_sync, generate_many_async], ids=["sync", "aio"])
def generate_many(request):
    return request.param


def test_results_come_in_order_with_failures_in_their_place(generate_many):
    with FakeSpace(delay=0.1) as space:
        space.script([error({"error": "bad luck"})], prompt=PROMPTS[3])
        results = generate_many(PROMPTS, provider=BlackForestLabs_Flux1Schnell(url=space.url), concurrency=3)
    assert len(results) == 8
    assert isinstance(results[3], ProviderError)
    assert "bad luck" in str(results[3])
    assert all(isinstance(result, Image) for index, result in enumerate(results) if index != 3)
    assert {result.prompt for result in results if isinstance(result, Image)} == set(PROMPTS) - {PROMPTS[3]}


def test_each_result_belongs_to_its_prompt_and_concurrency_is_honoured(generate_many):
    with FakeSpace(delay=0.3) as space:
        provider = BlackForestLabs_Flux1Schnell(url=space.url)
        results = generate_many(PROMPTS, provider=provider, concurrency=3, seed=9)
        assert space.peak_active == 3
        for prompt, result in zip(PROMPTS, results, strict=True):
            assert result.prompt == prompt
            assert result.content == solid_png(8, 8, prompt_colour(prompt))


def test_parameters_wrong_for_every_prompt_fail_before_anything_is_sent(generate_many):
    with FakeSpace() as space:
        with pytest.raises(InvalidRequestError, match="width must be"):
            generate_many(PROMPTS, provider=BlackForestLabs_Flux1Schnell(url=space.url), width=0)
        with pytest.raises(InvalidRequestError, match="concurrency must be"):
            generate_many(PROMPTS, provider=BlackForestLabs_Flux1Schnell(url=space.url), concurrency=0)
        assert space.requests == []


def test_a_bad_prompt_fails_alone(generate_many):
    with FakeSpace() as space:
        results = generate_many(["a cat", "", "a dog"], provider=BlackForestLabs_Flux1Schnell(url=space.url))
    assert [type(result) for result in results] == [Image, InvalidRequestError, Image]


def batch_cli(*args, cwd):
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "XDG_CACHE_HOME": str(cwd / "cache")}
    return subprocess.Popen(
        [sys.executable, "-m", "hfimage", "batch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env=env,
    )


def test_the_batch_command_saves_one_file_per_prompt_and_reports(tmp_path):
    (tmp_path / "prompts.txt").write_text("# foxes\na red fox\n\na blue fox\na green fox\na blue fox\n")
    with FakeSpace() as space:
        space.script([space.final(1)], [error({"error": "weights missing"})], [space.final(3)])
        process = batch_cli("prompts.txt", "-o", "out", "--url", space.url, "-c", "1", cwd=tmp_path)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 4
    names = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert names == sorted([f"{stem_for('a red fox')}.png", f"{stem_for('a green fox')}.png"])
    assert "failed: 'a blue fox': BlackForestLabs_Flux1Schnell failed: weights missing" in stderr
    assert stderr.splitlines()[-1].endswith(
        "4 prompts (1 repeated, made once): 2 saved, 0 already there, 1 failed (in out)"
    )
    assert "[####################] 3/3, 2 saved, 1 failed" in stderr


def test_an_interrupted_batch_resumes_where_it_stopped(tmp_path):
    prompts = [f"fox {index}" for index in range(6)]
    (tmp_path / "prompts.txt").write_text("\n".join(prompts))
    with FakeSpace() as space:
        # two at a time: the first two finish, the next two are held, so the interruption always comes
        # with two files saved and four prompts to go, however fast or slow the machine
        for held in prompts[2:4]:
            space.script([pause(60), space.final()], prompt=held)
        process = batch_cli("prompts.txt", "-o", "out", "--url", space.url, "-c", "2", cwd=tmp_path)
        folder = tmp_path / "out"
        deadline = time.monotonic() + 20

        def both_held_jobs_run() -> bool:  # their scripts are spent: a second run gets no 60 s pause
            asked = {job.get("prompt") for job in space.received}
            return len(list(folder.glob("*.png"))) >= 2 and set(prompts[2:4]) <= asked

        while time.monotonic() < deadline and not both_held_jobs_run():
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
        assert process.returncode == 130, stderr
        assert stderr.rstrip().endswith("hfimage: interrupted")
        first = {path.name for path in folder.iterdir()}
        assert len(first) == 2
        assert all(name.endswith(".png") for name in first)  # no half-written files
        jobs_before = len([r for r in space.requests if r.method == "POST"])
        process = batch_cli("prompts.txt", "-o", "out", "--url", space.url, "-c", "2", cwd=tmp_path)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        assert len([r for r in space.requests if r.method == "POST"]) - jobs_before == 6 - len(first)
    assert sorted(path.name for path in folder.iterdir()) == sorted(f"{stem_for(p)}.png" for p in prompts)
    assert f"6 prompts: {6 - len(first)} saved, {len(first)} already there, 0 failed" in stderr
