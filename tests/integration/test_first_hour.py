"""A new user's first hour, round two: input refused before anything is sent, each reason said once,
a command line that speaks in options, output where the user points it, and a quick start."""

import json
import subprocess
import sys

import anyio
import pytest

import hfimage
import hfimage.aio
from hfimage import cli
from hfimage.testing import FakeSpace, Fault, Reply, error, progress, prompt_colour, solid_png

from ..helpers import run_hfimage

QUOTA = "You have exceeded your ZeroGPU quota (60s requested vs. 12s left). Try again in 0:00:56."


def one_line(result, code=2):
    assert result.returncode == code, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hfimage: error: ")
    return lines[0]


def generate(api, prompt, **params):
    if api == "sync":
        return hfimage.generate(prompt, **params)
    return anyio.run(lambda: hfimage.aio.generate(prompt, **params))


def generate_many(api, prompts, **params):
    if api == "sync":
        return hfimage.generate_many(prompts, **params)
    return anyio.run(lambda: hfimage.aio.generate_many(prompts, **params))


@pytest.mark.parametrize("api", ["sync", "aio"])
@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"prompt": "a \udcff cat"}, "The prompt is not valid text: character 3 is a byte that is not UTF-8"),
        ({"negative_prompt": "dogs \udc80"}, "negative_prompt is not valid text"),
        ({"width": 512, "aspect_ratio": "16:9"}, "Give width and height, or aspect_ratio, not both"),
        ({"height": 512, "aspect_ratio": "1:1"}, "Give width and height, or aspect_ratio, not both"),
        ({"on_event": 5}, "on_event must be a function taking each event (e.g. print); got int."),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(fake_space, api, params, says):
    params = {"prompt": "a cat", **params}
    prompt = params.pop("prompt")
    with pytest.raises(hfimage.InvalidRequestError) as caught:
        generate(api, prompt, space=fake_space.url, **params)
    assert says in str(caught.value)
    assert fake_space.requests == []


@pytest.mark.parametrize("api", ["sync", "aio"])
@pytest.mark.parametrize(("prompts", "says"), [("a fox", "got one string"), (b"a fox", "got one string"),
                                               (5, "got int")])  # fmt: skip
def test_a_batch_of_one_string_is_refused_rather_than_made_letter_by_letter(fake_space, api, prompts, says):
    with pytest.raises(hfimage.InvalidRequestError, match=says):
        generate_many(api, prompts, space=fake_space.url)
    assert fake_space.requests == []


def test_a_prompt_on_stdin_that_is_not_utf8_is_refused_with_one_line(fake_space, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "hfimage", "-", "--space", fake_space.url, "-o", str(tmp_path / "x.png")],
        input=b"a \xff\xfe cat",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.decode() == (
        "hfimage: error: The prompt on standard input is not UTF-8 text (byte 3 is not). "
        "Save it as UTF-8 and try again.\n"
    )
    assert fake_space.requests == []


def test_a_prompt_argument_with_bytes_that_are_not_utf8_is_refused(fake_space, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "hfimage", b"a \xff cat", "--space", fake_space.url, "-o", str(tmp_path / "x.png")],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert b"The prompt is not valid text: character 3 is a byte that is not UTF-8" in done.stderr
    assert fake_space.requests == []


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "soon"])
@pytest.mark.parametrize("command", [["providers", "--check"], ["inspect", "owner/name"], ["quota"], ["a cat"]])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(command, value):
    done = run_hfimage(*command, "--timeout", value)
    assert done.returncode == 2
    assert "expected a positive number of seconds" in done.stderr or "expected a number of seconds" in done.stderr


def test_quota_without_a_token_is_invalid_input_exit_2(tmp_path):
    done = run_hfimage("quota", HF_HOME=str(tmp_path))
    line = one_line(done)
    assert "give a token (set HF_TOKEN, or run `hf auth login`)" in line
    assert "token=" not in line


def test_a_zerogpu_quota_used_up_is_said_once_for_every_space_that_shares_it(fake_providers):
    fake_providers.flux.script([error({"error": QUOTA})])
    with pytest.raises(hfimage.AllProvidersOutOfQuotaError) as caught:
        hfimage.generate("a cat wearing a hat", seed=7)
    message = str(caught.value)
    assert message.count("ZeroGPU quota is used up") == 1, message
    assert "Voodoohop_Flux1Schnell, Tongyi-MAI/Z-Image-Turbo, mrfakename/Z-Image-Turbo" in message


@pytest.mark.parametrize("spaces", [1, 2])
def test_a_batch_that_can_reach_nothing_stops_at_once_and_says_why_once(tmp_path, spaces):
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("a red fox\na blue fox\na green fox\n")
    where = [argument for port in (9, 7)[:spaces] for argument in ("--space", f"http://127.0.0.1:{port}")]
    done = run_hfimage("batch", str(prompts), "-o", str(tmp_path / "foxes"), *where, cwd=tmp_path)
    line = one_line(done, code=5)
    assert "nothing accepted the connection" in line
    assert not (tmp_path / "foxes").exists()


def test_a_batch_makes_its_folder_only_when_it_saves_an_image(tmp_path, fake_space):
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("a red fox\n")
    done = run_hfimage("batch", str(prompts), "-o", str(tmp_path / "foxes"), "--space", fake_space.url)
    assert done.returncode == 0, done.stderr
    assert [path.suffix for path in (tmp_path / "foxes").iterdir()] == [".png"]


def test_a_call_that_runs_out_of_time_on_the_command_line_says_pass_a_larger_timeout_option(tmp_path):
    with FakeSpace() as space:
        space.inject(Fault(route="", stall=30))
        done = run_hfimage("a cat", "--space", space.url, "--timeout", "1", "-q", "-o", str(tmp_path / "x.png"))
    line = one_line(done, code=5)
    assert "pass a larger --timeout, or try another provider." in line
    assert "timeout=" not in line


def test_a_url_that_is_not_a_gradio_app_says_so_on_the_command_line(tmp_path):
    with FakeSpace() as space:
        space.outage = Reply(404, '{"detail": "Not Found"}', "application/json")
        done = run_hfimage("inspect", space.url)
    assert "does not answer as a Gradio app" in one_line(done, code=4)


def test_dash_o_dash_writes_the_image_to_standard_output(fake_space, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "hfimage", "a cat", "--space", fake_space.url, "-o", "-", "--seed", "3"],
        capture_output=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(b"\x89PNG\r\n\x1a\n")
    assert done.stdout == solid_png(8, 8, prompt_colour("a cat"))
    assert list(tmp_path.iterdir()) == []
    assert b"saved to standard output (" in done.stderr


@pytest.mark.parametrize(
    ("output", "says"),
    [
        ("x.txt", "Cannot save to x.txt: .txt is not an image type: name a .png, .jpg, .webp or .gif file"),
        ("", "-o needs a file or folder name (or - for standard output); got an empty one."),
        ("/proc/x.png", "Cannot save to /proc/x.png: /proc cannot be written (it does not take new files)."),
    ],
)
def test_an_output_that_cannot_hold_the_image_is_refused_before_anything_is_sent(fake_space, tmp_path, output, says):
    done = run_hfimage("a cat", "--space", fake_space.url, "-o", output, cwd=tmp_path)
    assert says in one_line(done)
    assert fake_space.requests == []
    assert list(tmp_path.iterdir()) == []


def test_dash_o_dash_with_json_is_refused(fake_space):
    done = run_hfimage("a cat", "--space", fake_space.url, "-o", "-", "--json")
    assert "where --json prints too" in one_line(done)
    assert fake_space.requests == []


def test_save_refuses_a_suffix_that_is_not_an_image_type_and_writes_nothing(fake_space, tmp_path):
    image = hfimage.generate("a cat", space=fake_space.url)
    with pytest.raises(hfimage.InvalidRequestError, match=r"\.txt is not an image type"):
        image.save(tmp_path / "x.txt")
    assert list(tmp_path.iterdir()) == []


def test_save_follows_the_command_lines_rule_for_missing_folders(fake_space, tmp_path):
    image = hfimage.generate("a cat", space=fake_space.url, seed=1)
    with pytest.raises(hfimage.SaveFileNotFoundError, match="create it, or pass parents=True") as caught:
        image.save(tmp_path / "a" / "b" / "cat.png")
    assert isinstance(caught.value, FileNotFoundError)
    assert image.save(tmp_path / "a" / "b" / "cat.png", parents=True) == tmp_path / "a" / "b" / "cat.png"
    assert image.save(f"{tmp_path / 'new'}/").parent == tmp_path / "new"  # a named folder whose parent exists


def test_ctrl_c_during_a_call_with_json_prints_the_interruption_on_stdout(monkeypatch, capsys, fake_space):
    from hfimage.cli import _generate

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(_generate, "run", interrupted)
    assert cli.main(["a cat", "--space", fake_space.url, "--json"]) == 130
    assert json.loads(capsys.readouterr().out)["exit_code"] == 130


def test_a_preview_is_handed_over_as_soon_as_progress_shows_it_was_not_the_final_image():
    with FakeSpace() as space, hfimage.Client(protocol="queue") as client:
        space.script([space.preview(1), progress(2, 4), space.preview(2), progress(3, 4), space.final(3)])
        kinds = [type(event).__name__ for event in client.stream("a cat", space=space.url)]
    assert [kind for kind in kinds if kind in ("Preview", "Progress", "Image")] == [
        "Preview", "Progress", "Preview", "Progress", "Image"
    ]  # fmt: skip


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["generate", "--help"], ["a cat", "--size", "big"]])
def test_the_command_line_loads_no_http_stack_for_what_needs_none(argv):
    probe = (
        "import sys\nfrom hfimage.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('requests' in sys.modules, 'hfimage.client' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, timeout=60, check=False)
    assert done.stdout.splitlines()[-1] == "False False", done.stderr


@pytest.mark.parametrize("path", [5, "", None])
def test_save_refuses_what_is_not_a_path(fake_space, tmp_path, path):
    image = hfimage.generate("a cat", space=fake_space.url)
    with pytest.raises(hfimage.InvalidRequestError, match="save\\(\\) takes a file or folder path"):
        image.save(path)


def test_providers_check_counts_the_default_chains_spaces_as_serving(fake_providers, capsys):
    down = Reply(503, "<html>down</html>", "text/html")
    for fake in (fake_providers.flux, fake_providers.voodoohop, fake_providers.sd35, fake_providers.imagelabs):
        fake.outage = down
    assert cli.main(["providers", "--check", "--timeout", "5"]) == 0
    rows = {line.split()[0]: line.split()[1] for line in capsys.readouterr().out.splitlines()[1:8]}
    assert rows["Tongyi-MAI/Z-Image-Turbo"] == "ok"
    assert rows["stabilityai/stable-diffusion-3.5-large-turbo"] == "ok"
    assert rows["BlackForestLabs_Flux1Schnell"] == "unreachable"
