"""The ``hfimage`` command, run as a user runs it: a subprocess, against loopback servers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hfimage.testing import FakeImageLabs, FakeSpace, error

QUOTA = {"error": "You have exceeded your GPU quota (59s left vs. 60s requested). Please retry in 0:00:56"}


def hfimage_cli(*args, stdin=None, cwd=None):
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    env.pop("HF_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "hfimage", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
        check=False,
    )


def posted_body(space):
    return next(request.json() for request in space.requests if request.method == "POST")


def test_generate_saves_the_image_and_prints_its_path(fake_space, tmp_path):
    fake_space.script([fake_space.preview(9), ("heartbeat", None), fake_space.final(9)])
    result = hfimage_cli("a red fox", "-o", str(tmp_path / "fox.png"), "--url", fake_space.url, "--seed", "9")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / 'fox.png'}\n"
    assert (tmp_path / "fox.png").read_bytes().startswith(b"\x89PNG")
    assert "preview from BlackForestLabs_Flux1Schnell" in result.stderr
    assert "saved" in result.stderr
    assert "seed 9" in result.stderr
    assert posted_body(fake_space) == {"data": ["a red fox", 9, False, 768, 768, 2]}


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
        (["a cat", "--aspect", "7:3"], "Unknown aspect_ratio '7:3'"),
        (["a cat", "--negative", "dogs"], "does not take negative_prompt"),
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
    result = hfimage_cli("a cat", "--url", fake_space.url, cwd=tmp_path)
    assert result.returncode == 3
    assert "exceeded your GPU quota" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_provider_failure_exits_4(fake_space, tmp_path):
    fake_space.script([error({"error": "weights missing"})])
    result = hfimage_cli("a cat", "--url", fake_space.url, cwd=tmp_path)
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
    assert "ImageLabs: Queued\nImageLabs: Processing\n" in result.stderr
    assert next(request.json() for request in server.requests if request.route == "/txt2img")["seed"] == "3"
