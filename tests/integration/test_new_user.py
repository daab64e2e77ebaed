"""What a new user hits first: one-line errors before anything is sent, output paths as they expect,
files under their umask, honest messages when the network misbehaves, and a package that says
what it is. The command line runs as a subprocess wherever the behaviour is the process's."""

import json
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import hfimage
from hfimage import cli
from hfimage.cli._listing import checked_providers
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs, StabilityAI_SD35Large, Voodoohop_Flux1Schnell
from hfimage.testing import FakeSpace, Fault, error

from ..helpers import run_hfimage

ROOT = Path(__file__).parents[2]

QUOTA = "You have exceeded your GPU quota (59s left vs. 60s requested). Please retry in 0:00:56"


def run_cli(*args, cwd, umask=None, **env):
    return run_hfimage(*args, cwd=cwd, umask=umask, XDG_CACHE_HOME=str(cwd / "cache"), **env)


def one_line_error(result, code=2):
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line for line in lines if not re.match(r"\[\s*\d+\.\ds\] ", line)] == lines[-1:], result.stderr
    assert lines[-1].startswith("hfimage: error: ")
    return lines[-1]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: "missing.txt", "The prompts file missing.txt does not exist."),
        (lambda tmp: (tmp / "folder").mkdir() or "folder", "folder is a folder; give a text file"),
        (lambda tmp: (tmp / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00") and "image.bin",
         "image.bin is not a text file (UTF-8)"),
    ],
)  # fmt: skip
def test_a_prompts_file_that_cannot_be_read_is_one_line(tmp_path, make, says):
    with FakeSpace() as space:
        result = run_cli("batch", make(tmp_path), "--url", space.url, cwd=tmp_path)
    assert says in one_line_error(result)
    assert space.requests == []


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["batch", "prompts.txt", "-o", "a-file"], "-o a-file is a file; a batch saves into a folder"),
        (["a cat", "-o", "a-file/cat.png"], "Cannot save to a-file/cat.png: a-file is a file, not a folder."),
        (["a cat", "-o", "a-file/deeper/cat.png", "--parents"], "a-file is a file, not a folder."),
        (["a cat", "-o", "/proc/hfimage/cat.png", "--parents"], "Cannot save to /proc/hfimage/cat.png: /proc cannot"),
        (["a cat", "-o", "missing/cat.png"], "the folder missing does not exist. Create it first, or pass --parents."),
        (["a cat", "-o", "missing/deeper/"], "the folder missing does not exist. Create it first, or pass --parents."),
        (["batch", "prompts.txt", "-o", "missing/deeper"], "the folder missing does not exist."),
    ],
)
def test_an_output_path_that_cannot_be_written_fails_before_anything_is_sent(tmp_path, command, says):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "prompts.txt").write_text("a cat\n")
    with FakeSpace() as space:
        result = run_cli(*command, "--url", space.url, cwd=tmp_path)
    assert says in one_line_error(result)
    assert space.requests == []
    assert sorted(path.name for path in tmp_path.iterdir() if path.name != "cache") == ["a-file", "prompts.txt"]


def test_a_trailing_slash_or_an_existing_folder_saves_into_it(tmp_path):
    (tmp_path / "existing").mkdir()
    with FakeSpace() as space:
        into_new = run_cli("a red fox", "-o", "newdir/", "--url", space.url, "--seed", "3", "-q", cwd=tmp_path)
        into_old = run_cli("a red fox", "-o", "existing", "--url", space.url, "--seed", "4", "-q", cwd=tmp_path)
        deep = run_cli("a fox", "-o", "a/b/fox.png", "--parents", "--url", space.url, "-q", cwd=tmp_path)
    assert (into_new.returncode, into_new.stdout) == (0, "newdir/a-red-fox-3.png\n")
    assert (into_old.returncode, into_old.stdout) == (0, "existing/a-red-fox-4.png\n")
    assert (deep.returncode, deep.stdout) == (0, "a/b/fox.png\n")
    for name in ("newdir/a-red-fox-3.png", "existing/a-red-fox-4.png", "a/b/fox.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_image_save_treats_a_trailing_separator_as_a_folder(fake_space, tmp_path):
    with hfimage.Client() as client:
        image = client.generate("a blue fox", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        in_folder = image.save(f"{tmp_path}/foxes/")
        again = image.save(tmp_path / "foxes")  # now an existing folder
        as_file = image.save(tmp_path / "fox")
    assert in_folder == again == tmp_path / "foxes" / "a-blue-fox-42.png"
    assert as_file == tmp_path / "fox.png"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_saved_images_get_the_permissions_of_the_users_umask(tmp_path, umask, mode):
    with FakeSpace() as space:
        result = run_cli("a fox", "-o", "fox.png", "--url", space.url, "-q", cwd=tmp_path, umask=umask)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "fox.png").stat().st_mode) == mode
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".part")] == []


def test_size_errors_quote_what_was_typed_and_size_excludes_aspect(tmp_path):
    with FakeSpace() as space:
        small = run_cli("a cat", "--size", "100x300", "--url", space.url, cwd=tmp_path)
        both = run_cli("a cat", "--size", "1024x768", "--aspect", "16:9", "--url", space.url, cwd=tmp_path)
    assert one_line_error(small).endswith("takes width from 256 to 2048; got 100.")
    assert one_line_error(both) == (
        "hfimage: error: Give --size or --aspect, not both: --size sets the exact size, --aspect picks one for a ratio."
    )
    assert [request.route for request in space.requests] == ["/config"]


def test_json_on_failure_prints_the_error_as_json_with_the_same_exit_code(tmp_path):
    with FakeSpace() as space:
        space.script([error({"error": QUOTA})])
        result = run_cli("a cat", "--json", "-q", "--url", space.url, cwd=tmp_path)
        invalid = run_cli("a cat", "--json", "--size", "1x1", "--aspect", "1:1", cwd=tmp_path)
    assert result.returncode == 3
    printed = json.loads(result.stdout)
    assert printed["error"] == "QuotaExceededError"
    assert printed["exit_code"] == 3
    assert printed["retry_after"] == 56.0
    assert printed["provider"] == "BlackForestLabs_Flux1Schnell"
    assert printed["message"].startswith("BlackForestLabs_Flux1Schnell: You have exceeded your GPU quota")
    assert json.loads(invalid.stdout) == {
        "error": "InvalidRequestError",
        "message": "Give --size or --aspect, not both: --size sets the exact size, --aspect picks one for a ratio.",
        "exit_code": 2,
        "provider": None,
        "status_code": None,
        "url": None,
        "detail": None,
    }


def test_json_on_success_has_the_keys_the_readme_names(tmp_path):
    with FakeSpace() as space:
        result = run_cli("a cat", "--json", "-q", "--url", space.url, "-o", "cat.png", cwd=tmp_path)
    readme = (ROOT / "README.rst").read_text()
    named = re.search(r"``--json`` prints the result as JSON on\nstdout \((.*?)\);", readme, re.DOTALL)
    assert named is not None
    assert sorted(json.loads(result.stdout)) == sorted(re.findall(r"``(\w+)``", named.group(1)))


def test_a_bare_hfimage_prints_the_help(tmp_path):
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 0
    assert " ".join(result.stdout.split()).startswith(
        "usage: hfimage [-h] [--version] {generate,batch,inspect,models,providers,quota} ..."
    )
    assert result.stderr == ""


@pytest.mark.parametrize("command", [["--help"], ["generate", "--help"], ["batch", "--help"]])
def test_every_help_is_wrapped_to_the_terminal(tmp_path, command):
    result = run_cli(*command, cwd=tmp_path, COLUMNS="70")
    assert result.returncode == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 70


@pytest.fixture
def closed_ports(monkeypatch):
    """Every built-in provider at a closed port on 127.0.0.1: nothing takes the connection."""
    for cls in (BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell, StabilityAI_SD35Large, ImageLabs):
        monkeypatch.setattr(cls, "default_url", "http://127.0.0.1:9")


def test_when_every_provider_fails_the_same_way_the_reason_is_said_once(closed_ports):
    with pytest.raises(hfimage.NoProviderReachableError) as caught:
        hfimage.generate("a cat", timeout=10)
    assert str(caught.value) == (
        "No provider could be reached (BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell, "
        "Tongyi-MAI/Z-Image-Turbo, mrfakename/Z-Image-Turbo, stabilityai/stable-diffusion-3.5-large-turbo): "
        "nothing accepted the connections. Check the URL, your network and proxy."
    )
    assert caught.value.reason == "refused"


def test_providers_check_exits_non_zero_when_none_can_serve_and_shows_each_reason_whole(
    closed_ports, capsys, monkeypatch, tmp_path
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "60")
    assert cli.main(["providers", "--check", "--timeout", "3"]) == 4
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    asked = len(checked_providers())
    rows = [line.split() for line in lines[1 : 1 + asked]]
    assert asked == 7  # the four built-in providers and the default chain's three spaces
    assert [row[-1] for row in rows] == ["-"] * asked
    assert [" ".join(row[1:3]) for row in rows] == [f"unreachable ({n})" for n in range(1, asked + 1)]
    reasons = " ".join(line.strip() for line in lines[1 + asked :])
    for row in rows:
        assert f"{row[2]} {row[0]}: ConnectionError: Could not talk to 127.0.0.1: nothing accepted" in reasons
    assert "…" not in captured.out
    assert max(len(line) for line in lines[1 + asked :]) <= 60
    assert captured.err == "No provider can serve now.\n"


def test_a_silent_proxy_is_named_with_the_time_waited(tmp_path):
    with FakeSpace() as proxy:
        proxy.inject(Fault(route="", stall=30))
        with hfimage.Client(timeout=2, proxy=proxy.url) as client, pytest.raises(hfimage.TimeoutError) as caught:
            client.generate("a fox", provider=BlackForestLabs_Flux1Schnell(url="http://space.invalid"))
    message = str(caught.value)
    assert re.fullmatch(
        rf"The proxy {re.escape(proxy.url)} took the request for space\.invalid but sent no answer in "
        r"(1\.9|2\.0) s\. Check the proxy setting \(proxy=, HTTPS_PROXY, HTTP_PROXY\), or try without it\.",
        message,
    ), message


def test_the_command_line_says_it_is_waiting_before_the_first_answer(tmp_path):
    with FakeSpace() as space:
        space.inject(Fault(route="/config", stall=1.5))
        result = run_cli("a fox", "-o", "fox.png", "--url", space.url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    first = result.stderr.splitlines()[0]
    assert re.fullmatch(r"\[\s*0\.\ds\] waiting for the first answer", first), first


def test_the_wheel_carries_the_license_and_the_home_page_and_builds_without_deprecations(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr
    assert "Deprecat" not in built.stdout + built.stderr
    (wheel,) = tmp_path.glob("hfimage-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(name for name in names if name.endswith(".dist-info/METADATA"))).decode()
        licence = [name for name in names if name.endswith("LICENSE")]
        assert len(licence) == 1
        assert archive.read(licence[0]) == (ROOT / "LICENSE").read_bytes()
    assert "License: MIT" in metadata
    assert "Home-page: https://pypi.org/project/hfimage/" in metadata
    assert "MIT License" in (ROOT / "LICENSE").read_text()
