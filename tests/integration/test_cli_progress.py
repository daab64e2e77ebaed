"""The command's progress: a live line on a terminal, plain lines on a pipe; --json and --previews."""

import json
import os
import pty
import subprocess
import sys

import pytest

from hfimage.testing import heartbeat, notice, progress


def run_on(stderr_kind, *args, cwd):
    """Run the command with stderr on a pseudo-terminal or a pipe; returns (exit code, stdout, stderr)."""
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "XDG_CACHE_HOME": str(cwd / "cache")}
    command = [sys.executable, "-m", "hfimage", *args]
    if stderr_kind == "pipe":
        done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=60, check=False)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, cwd=cwd, env=env, text=True)
    os.close(follower)
    stdout, _ = process.communicate(timeout=60)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.returncode, stdout, b"".join(chunks).decode()


def script(space):
    space.script(
        [notice("Waiting for a GPU"), progress(1, 2), space.preview(5), heartbeat(), progress(2, 2), space.final(5)]
    )


@pytest.mark.parametrize("stderr_kind", ["pty", "pipe"])
def test_progress_shows_elapsed_time_state_previews_and_provider(fake_space, tmp_path, stderr_kind):
    script(fake_space)
    code, stdout, stderr = run_on(stderr_kind, "a cat", "--url", fake_space.url, "-o", "cat.png", cwd=tmp_path)
    assert code == 0, stderr
    assert stdout == "cat.png\n"
    for text in ("BlackForestLabs_Flux1Schnell: queued, next in line", "Waiting for a GPU",
                 "progress 1/2 steps", "BlackForestLabs_Flux1Schnell: preview 1", "downloading"):  # fmt: skip
        assert text in stderr
    assert "s] BlackForestLabs_Flux1Schnell: running" in stderr
    if stderr_kind == "pty":
        assert stderr.count("\r\x1b[K") >= 6  # one line, rewritten in place
        assert "saved cat.png (768x768, seed 5" in stderr
    else:
        assert "\r" not in stderr
        lines = stderr.splitlines()
        assert len(lines) >= 7
        assert lines[-1].startswith("saved cat.png (768x768, seed 5, BlackForestLabs_Flux1Schnell, ")


def test_quiet_prints_only_the_path(fake_space, tmp_path):
    code, stdout, stderr = run_on("pipe", "a cat", "--url", fake_space.url, "-o", "cat.png", "-q", cwd=tmp_path)
    assert (code, stdout, stderr) == (0, "cat.png\n", "")


def test_json_gives_a_machine_readable_result(fake_space, tmp_path):
    code, stdout, _ = run_on("pipe", "a cat", "--url", fake_space.url, "--seed", "4", "--json", "-q", cwd=tmp_path)
    assert code == 0
    result = json.loads(stdout)
    assert result["path"] == "a-cat-4.png"
    assert result["url"].startswith(f"{fake_space.url}/gradio_api/file=")
    assert (result["seed"], result["provider"], result["model"]) == (4, "BlackForestLabs_Flux1Schnell", "flux")
    assert (result["width"], result["height"]) == (768, 768)
    assert result["attempts"] == [{"provider": "BlackForestLabs_Flux1Schnell", "error": None}]
    assert result["elapsed"] > 0


def test_previews_are_kept_in_a_directory(fake_space, tmp_path):
    script(fake_space)
    code, _, stderr = run_on("pipe", "a cat", "--url", fake_space.url, "--previews", "previews", "-q", cwd=tmp_path)
    assert code == 0, stderr
    assert sorted(path.name for path in (tmp_path / "previews").iterdir()) == ["preview-001.png"]
