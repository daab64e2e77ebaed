"""The ``hfimage`` command, run as a user runs it: a subprocess, against loopback servers."""

import contextlib
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from hfimage.testing import FakeImageLabs, FakeSpace, Fault, Reply, error, notice, progress, queued

from ..helpers import posted_data, run_hfimage

QUOTA = {"error": "Space app has reached its GPU limit. Please retry in 0:00:56"}
"""A space's own GPU limit: it rests that space alone, so the next one (ZeroGPU or not) is tried."""


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    """Each test gets its own quota memory file."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def hfimage_cli(*args, stdin=None, cwd=None, **more_env):
    return run_hfimage(*args, stdin=stdin, cwd=cwd, **more_env)


def progress_lines(stderr):
    """stderr's lines without their elapsed-time prefix."""
    return [re.sub(r"^\[\s*\d+\.\ds\] ", "", line) for line in stderr.splitlines()]


def posted_body(space):
    return {"data": posted_data(space)[0]}


def test_generate_saves_the_image_and_prints_its_path(fake_space, tmp_path):
    fake_space.script([fake_space.preview(9), ("heartbeat", None), fake_space.final(9)])
    result = hfimage_cli("a red fox", "-o", str(tmp_path / "fox.png"), "--url", fake_space.url, "--seed", "9")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'fox.png'}\n"
    assert (tmp_path / "fox.png").read_bytes().startswith(b"\x89PNG")
    assert "BlackForestLabs_Flux1Schnell: preview 1" in progress_lines(result.stderr)
    assert "saved" in result.stderr
    assert "seed 9" in result.stderr
    assert posted_body(fake_space) == {"data": ["a red fox", 9, False, 768, 768, 2]}


def test_an_output_suffix_of_another_type_converts_the_image(fake_space, tmp_path):
    result = hfimage_cli("a red fox", "-o", str(tmp_path / "fox.webp"), "--url", fake_space.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'fox.webp'}\n"
    assert (tmp_path / "fox.webp").read_bytes()[8:12] == b"WEBP"


def test_without_pillow_the_image_is_kept_in_its_own_type_with_a_note(fake_space, tmp_path):
    (tmp_path / "no_pillow" / "PIL").mkdir(parents=True)
    (tmp_path / "no_pillow" / "PIL" / "__init__.py").write_text("raise ImportError('Pillow is not here')\n")
    out = tmp_path / "out"
    result = hfimage_cli(
        "a red fox",
        "-o",
        str(out / "fox.webp"),
        "--parents",
        "--url",
        fake_space.url,
        PYTHONPATH=str(tmp_path / "no_pillow"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{out / 'fox.png'}\n"
    assert [path.name for path in out.iterdir()] == ["fox.png"]
    assert (
        "note: fox.webp names a WebP file, but the image is PNG. Save it as fox.png, or converting it needs Pillow, "
        f"which is not installed: pip install 'hfimage[pil]'; saved {out / 'fox.png'} instead"
    ) in result.stderr


def test_options_mirror_the_parameters(fake_space, tmp_path):
    result = hfimage_cli(
        "generate",
        "models",
        "-o",
        str(tmp_path),
        "--provider",
        "Voodoohop_Flux1Schnell",
        "--url",
        fake_space.url,
        "--size",
        "512x256",
        "--steps",
        "4",
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == f"{tmp_path / 'models-42.png'}\n"
    assert posted_body(fake_space) == {"data": ["models", 0, True, 512, 256, 4]}


def test_the_prompt_can_come_from_stdin(fake_space, tmp_path):
    result = hfimage_cli("-", "-o", str(tmp_path / "x.png"), "--url", fake_space.url, stdin="a cat from stdin\n")
    assert result.returncode == 0, result.stderr
    assert posted_body(fake_space)["data"][0] == "a cat from stdin"


def test_models_lists_names_aliases_and_providers():
    result = hfimage_cli("models")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["MODEL", "ALIASES", "PROVIDERS", "(fallback", "order)"]
    assert lines[1].split() == ["flux", "flux-schnell", "BlackForestLabs_Flux1Schnell,", "Voodoohop_Flux1Schnell"]
    assert any(line.startswith("sd-3.5 ") and "StabilityAI_SD35Large" in line for line in lines)


def test_providers_lists_each_with_its_url():
    result = hfimage_cli("providers")
    assert result.returncode == 0
    assert "StabilityAI_SD35Large" in result.stdout
    assert "https://voodoohop-flux-1-schnell.hf.space" in result.stdout


def test_help_reads_well():
    result = hfimage_cli("--help")
    assert result.returncode == 0
    assert "generate" in result.stdout
    assert "exit codes" in result.stdout
    generate_help = hfimage_cli("generate", "--help")
    assert "--aspect RATIO" in generate_help.stdout
    assert "--size WxH" in generate_help.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a cat", "--model", "dall-e"], "Unknown model 'dall-e'"),
        (["a cat", "--model", "dall-e"], "(see `hfimage models`); or name a space with --space 'owner/name'."),
        (["a cat", "--aspect", "7:3"], "Unknown --aspect '7:3'. Known ratios: 1:1,"),
        (["a cat", "--aspect", "7:3"], "; or pass --size."),
        (
            ["a cat", "--model", "flux", "--negative", "dogs"],
            "does not take --negative; it takes --size, --aspect, --steps, --seed.",
        ),
        (
            ["a cat", "--model", "sdxl-turbo", "--steps", "9"],
            "does not take --steps; it takes --negative, --size, --aspect, --seed.",
        ),
        (["a cat", "--steps", "5000"], "--steps must be between 1 and 1000; got 5000."),
        (["a cat", "--size", "9000x512"], "the width of --size must be between 1 and 8192; got 9000."),
        (["a cat", "--guidance", "500"], "--guidance must be between 0 and 100; got 500."),
        (["inspect", "no-such-thing"], "'no-such-thing' is not a space id (owner/name, such as"),
        (
            ["inspect", "z-imag"],
            "a model's name. Did you mean the model 'z-image'? See `hfimage models` for the models.",
        ),
        (["", "-o", "x.png"], "prompt must be a non-empty string"),
        (["a cat", "--url", "ftp://x"], "must be an http(s) URL"),
    ],
)
def test_invalid_input_exits_2_with_one_line(args, message, tmp_path):
    result = hfimage_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("hfimage: error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_size_is_a_usage_error():
    result = hfimage_cli("a cat", "--size", "big")
    assert result.returncode == 2
    assert "expected WIDTHxHEIGHT" in result.stderr


def test_quota_exits_3(fake_space, tmp_path):
    fake_space.script([error(QUOTA)])
    result = hfimage_cli("a cat", "--url", fake_space.url, "-q", cwd=tmp_path)
    assert result.returncode == 3
    assert "reached its GPU limit" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_provider_failure_exits_4(fake_space, tmp_path):
    fake_space.script([error({"error": "weights missing"})])
    result = hfimage_cli("a cat", "--url", fake_space.url, "-q", cwd=tmp_path)
    assert result.returncode == 4
    assert result.stderr == "hfimage: error: BlackForestLabs_Flux1Schnell failed: weights missing\n"


def test_a_network_failure_exits_5_without_a_traceback(tmp_path):
    with FakeSpace() as gone:
        url = gone.url
    result = hfimage_cli("a cat", "--url", url, "--timeout", "10", cwd=tmp_path)
    assert result.returncode == 5
    assert "Traceback" not in result.stderr
    assert "nothing accepted the connection" in result.stderr


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "hfimage"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("hfimage ")


def test_sdxl_turbo_runs_on_imagelabs_with_its_status_lines(tmp_path):
    with FakeImageLabs() as server:
        result = hfimage_cli(
            "a red fox", "--model", "sdxl-turbo", "--url", server.url, "--seed", "3", "-o", str(tmp_path)
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'a-red-fox-3.png'}\n"
    assert progress_lines(result.stderr)[:3] == [
        "waiting for the first answer",
        "ImageLabs: Queued",
        "ImageLabs: Processing",
    ]
    assert next(request.json() for request in server.requests if request.route == "/txt2img")["seed"] == "3"


def test_queue_progress_shows_as_lines_on_stderr(fake_space, tmp_path):
    fake_space.script(
        [queued(2, 4, 9.0), notice("Waiting for a GPU"), progress(1, 4, desc="Sampling"), fake_space.final()]
    )
    result = hfimage_cli("a cat", "--url", fake_space.url, "-o", str(tmp_path / "cat.png"))
    assert result.returncode == 0, result.stderr
    assert progress_lines(result.stderr)[:6] == [
        "waiting for the first answer",
        "BlackForestLabs_Flux1Schnell: queued, next in line",
        "BlackForestLabs_Flux1Schnell: running",
        "BlackForestLabs_Flux1Schnell: queued, position 2 of 4, about 9 s",
        "BlackForestLabs_Flux1Schnell: Waiting for a GPU",
        "BlackForestLabs_Flux1Schnell: Sampling 1/4 steps",
    ]
    assert progress_lines(result.stderr)[-1].startswith(f"saved {tmp_path / 'cat.png'} (768x768, seed 42, ")


def test_the_call_route_can_be_chosen(fake_space, tmp_path):
    result = hfimage_cli("a cat", "--url", fake_space.url, "--protocol", "call", "-o", str(tmp_path / "c.png"), "-q")
    assert result.returncode == 0, result.stderr
    assert [request.route for request in fake_space.requests][1] == "/gradio_api/call/infer"


def test_a_quota_error_is_remembered_between_runs(tmp_path, monkeypatch, capsys):
    from hfimage import cli
    from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs, StabilityAI_SD35Large, Voodoohop_Flux1Schnell

    with FakeSpace() as first, FakeSpace() as second:
        monkeypatch.setattr(BlackForestLabs_Flux1Schnell, "default_url", first.url)
        monkeypatch.setattr(Voodoohop_Flux1Schnell, "default_url", second.url)
        for offline in (StabilityAI_SD35Large, ImageLabs):  # a closed port here: never the real host
            monkeypatch.setattr(offline, "default_url", "http://127.0.0.1:9")
        first.script([error(QUOTA)])
        assert cli.main(["a cat", "-o", str(tmp_path / "one.png"), "-q"]) == 0
        assert cli.main(["a cat", "-o", str(tmp_path / "two.png"), "-q"]) == 0
        assert len([r for r in first.requests if r.method == "POST"]) == 1  # the second run skipped it
        assert len([r for r in second.requests if r.method == "POST"]) == 2
        capsys.readouterr()
        assert cli.main(["providers", "--check", "--timeout", "5"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["PROVIDER", "STATUS", "GRADIO", "LATENCY", "QUOTA"]
    rows = {line.split()[0]: line for line in table[1:]}
    assert rows["BlackForestLabs_Flux1Schnell"].split()[1:3] == ["ok", "6.31.0"]
    assert "resting 5" in rows["BlackForestLabs_Flux1Schnell"]
    assert rows["Voodoohop_Flux1Schnell"].rstrip().endswith(" ok")


BUILT_INS = ("BlackForestLabs_Flux1Schnell", "Voodoohop_Flux1Schnell", "StabilityAI_SD35Large", "ImageLabs")

CHAIN_SPACES = ("Tongyi-MAI/Z-Image-Turbo", "mrfakename/Z-Image-Turbo", "stabilityai/stable-diffusion-3.5-large-turbo")


class MeetingSpace(FakeSpace):
    """A space that answers only once every provider's question has arrived: a check that asks one
    provider after another never gets past the first."""

    def __init__(self, barrier):
        super().__init__()
        self.barrier = barrier

    def handle(self, exchange):
        try:
            if exchange.route == "/" or exchange.route.endswith("/config"):  # each provider's first question
                self.barrier.wait(timeout=5)
        except threading.BrokenBarrierError:
            exchange.reply(Reply(503, b"asked one after another", "text/plain"))
            return
        if exchange.route == "/":  # ImageLabs' front page
            exchange.reply(Reply(200, b"<html></html>", "text/html"))
            return
        super().handle(exchange)


def test_providers_check_asks_every_provider_at_once(monkeypatch, capsys):
    from hfimage import cli, providers

    barrier = threading.Barrier(len(BUILT_INS))
    with contextlib.ExitStack() as stack:
        for name in BUILT_INS:
            space = stack.enter_context(MeetingSpace(barrier))
            monkeypatch.setattr(getattr(providers, name), "default_url", space.url)
        assert cli.main(["providers", "--check", "--timeout", "10"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[1:8]]
    assert sorted((row[0], row[1]) for row in rows if row[0] in BUILT_INS) == sorted((name, "ok") for name in BUILT_INS)
    assert {row[0] for row in rows} - set(BUILT_INS) == set(CHAIN_SPACES)  # asked too (here, their Hub is down)


def test_providers_check_prints_each_row_as_its_answer_comes(monkeypatch, capsys):
    from hfimage import cli, providers

    with contextlib.ExitStack() as stack:
        for name in BUILT_INS:
            space = stack.enter_context(FakeSpace())
            if name != "Voodoohop_Flux1Schnell":
                space.inject(Fault(route="", stall=30))
            monkeypatch.setattr(getattr(providers, name), "default_url", space.url)
        codes = []
        checking = threading.Thread(target=lambda: codes.append(cli.main(["providers", "--check", "--timeout", "4"])))
        checking.start()
        printed = ""
        while "Voodoohop_Flux1Schnell" not in printed and checking.is_alive():
            time.sleep(0.02)
            printed += capsys.readouterr().out
        assert checking.is_alive()  # the stalled ones are still being waited for
        checking.join()
    printed += capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0].split() == ["PROVIDER", "STATUS", "GRADIO", "LATENCY", "QUOTA"]
    rows = [line.split() for line in lines[1:8]]
    answered = [row[0] for row in rows]
    assert rows[answered.index("Voodoohop_Flux1Schnell")][:3] == ["Voodoohop_Flux1Schnell", "ok", "6.31.0"]
    stalled = set(BUILT_INS) - {"Voodoohop_Flux1Schnell"}
    assert set(answered[-3:]) == stalled  # the stalled ones last, as their answers came
    assert codes == [0]
