"""Every example in README.rst, Python or command line, runs with the public spaces replaced by loopback fakes."""

import io
import json
import re
import shlex
from pathlib import Path

import pytest

from hfimage import cli
from hfimage.testing import solid_png

README = Path(__file__).parents[2] / "README.rst"

LOCAL_RUN = "http://127.0.0.1:7860"


def python_examples():
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", README.read_text())
    return [re.sub(r"^   ", "", block, flags=re.MULTILINE) for block in blocks]


def test_the_readme_has_examples():
    assert len(python_examples()) == 12


@pytest.mark.parametrize("code", [code for code in python_examples() if "def test_" in code])
def test_each_pytest_example_passes_with_the_installed_plugin(code, pytester):
    pytester.makepyfile(test_example=code)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=code.count("def test_"))


PNG = b"\x89PNG"


def _files(tmp_path):
    return sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file())


def _expect_lighthouse(out, tmp_path, fakes):
    assert out == ["42 768 768 BlackForestLabs_Flux1Schnell"]
    assert _files(tmp_path) == ["lighthouse.png"]  # the fakes serve PNG; the real space, WebP
    assert (tmp_path / "lighthouse.png").read_bytes().startswith(PNG)


def _expect_notebook(out, tmp_path, fakes):
    assert (out, _files(tmp_path)) == ([], [])
    assert [request.json()["data"][:2] for request in fakes.flux.requests if request.method == "POST"] == [
        ["a watercolour fox in the snow", 7]
    ]


def _expect_stream(out, tmp_path, fakes):
    assert out[0] == "waiting, position 0"
    assert re.fullmatch(r"done: http://127\.0\.0\.1:\d+/gradio_api/file=/tmp/gradio/\w+/image\.png seed 42", out[-1])


def _expect_three_foxes(out, tmp_path, fakes):
    assert _files(tmp_path) == ["fox-1.webp", "fox-2.webp", "fox-3.webp"]
    for seed in (1, 2, 3):
        data = (tmp_path / f"fox-{seed}.webp").read_bytes()
        assert (data[:4], data[8:12]) == (b"RIFF", b"WEBP")  # converted, as the name asks


def _expect_async(out, tmp_path, fakes):
    assert re.fullmatch(r"42 \d+", out[0])
    assert out[1] == "qwen-image /infer"
    assert out[2:4] == ["Queued", "Started"]
    assert out[-1] == "Image"


def _expect_seed_class(out, tmp_path, fakes):
    assert len(out) == 1
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/gradio_api/file=/tmp/gradio/\w+/image\.png", out[0])


def _expect_batch(out, tmp_path, fakes):
    expected = ["foxes/a-blue-fox-42.png", "foxes/a-green-fox-42.png", "foxes/a-red-fox-42.png"]
    assert _files(tmp_path) == expected  # one file per prompt, in the folder
    assert sorted(out) == expected


def _expect_spaces(out, tmp_path, fakes):
    assert out == ["Tongyi-MAI/Z-Image-Turbo z-image-turbo 1280 720", "('negative_prompt', 'guidance_scale', 'image')"]
    z_image = fakes.spaces["Tongyi-MAI/Z-Image-Turbo"]
    assert [(job["resolution"], job["shift"]) for job in z_image.received] == [
        ("1280x720 ( 16:9 )", 3.0),
        ("1024x1024 ( 1:1 )", 5),
    ]
    assert [job["seed"] for job in fakes.spaces["black-forest-labs/FLUX.1-dev"].received] == []
    assert len(fakes.flux.received) == 2  # by its name, and as the local run


def _expect_edit(out, tmp_path, fakes):
    assert out == ["flux-kontext 8 8"]
    assert _files(tmp_path) == ["harbour-night.png"]
    (photo,) = fakes.flux.files.values()  # the harbour the flux fake made
    kontext = fakes.spaces["black-forest-labs/FLUX.1-Kontext-Dev"]
    assert [upload.content for upload in kontext.uploads] == [photo]
    assert kontext.received[0]["prompt"] == "make it night, with lanterns"
    assert (tmp_path / "harbour-night.png").read_bytes() == photo  # the fake's edit keeps the image as it is


def _expect_credits(out, tmp_path, fakes):
    assert out == ["BlackForestLabs_Flux1Schnell", "fal-ai via Inference Providers black-forest-labs/FLUX.1-dev"]
    assert [request.route for request in fakes.router.requests if request.method == "POST"] == [
        "/fal-ai/fal-ai/model-id"
    ]  # the free space answered the first call: no credit spent
    assert fakes.router.payloads("fal-ai") == [{"prompt": "a lighthouse in a storm"}]


def _expect_fake_space(out, tmp_path, fakes):
    assert out[0] == "retry after 56.0"
    assert re.fullmatch(r"42 /gradio_api/queue/data\?session_hash=\w+", out[1])


EFFECTS = {
    "a lighthouse at dawn, watercolour": _expect_lighthouse,
    "Jupyter shows the picture": _expect_notebook,
    "a castle in the clouds": _expect_stream,
    "fox-{seed}.webp": _expect_three_foxes,
    "async def main():\n    image = await": _expect_async,
    "create_async_generator": _expect_seed_class,
    "generate_many(prompts": _expect_batch,
    "a cat in a spacesuit": _expect_spaces,
    "make it night, with lanterns": _expect_edit,
    "a lighthouse in a storm": _expect_credits,
    "with FakeSpace() as space": _expect_fake_space,
}


def test_every_example_has_its_effects_checked():
    examples = [code for code in python_examples() if "def test_" not in code]
    assert [sum(key in code for code in examples) for key in EFFECTS] == [1] * len(EFFECTS)
    assert len(examples) == len(EFFECTS)


@pytest.mark.parametrize(
    "code", [code for code in python_examples() if "def test_" not in code], ids=lambda code: code.splitlines()[-1][:40]
)
def test_each_example_runs(code, fake_providers, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_TOKEN", "hf_readmetoken1")
    exec(compile(code.replace(LOCAL_RUN, fake_providers.flux.url), str(README), "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    (expect,) = [check for key, check in EFFECTS.items() if key in code]
    expect(printed, tmp_path, fake_providers)


def command_lines():
    """Every ``hfimage ...`` command in README.rst's console blocks, as a user would type it."""
    commands = []
    for line in re.findall(r"^   \$ (.*)$", README.read_text(), flags=re.MULTILINE):
        commands += [part.strip() for part in line.split("&&") if "hfimage " in part]
    return commands


def test_the_readme_has_command_lines():
    assert len(command_lines()) == 14


@pytest.mark.parametrize("line", command_lines())
def test_each_command_line_runs(line, fake_providers, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HF_TOKEN", "hf_readmetoken1")
    fake_providers.hub.quota_tokens.add("hf_readmetoken1")
    fake_providers.hub.quota = {"base": 300, "current": 45, "resetsAt": "2026-12-02T10:00:00Z"}
    (tmp_path / "prompts.txt").write_text("a red fox\na blue fox\n")
    (tmp_path / "photo.png").write_bytes(solid_png(6, 4, (1, 2, 3)))
    piped, _, command = line.rpartition("|")
    command, _, redirect = command.partition(">")
    if piped:
        monkeypatch.setattr("sys.stdin", io.StringIO(shlex.split(piped)[1]))
    args = shlex.split(command)
    assert args[0] == "hfimage"
    assert cli.main(args[1:]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    if redirect:
        (tmp_path / redirect.strip()).write_text(out)
    for expect in COMMAND_EFFECTS[next(key for key in COMMAND_EFFECTS if key in line)]:
        expect(tmp_path, out, fake_providers)


def _saved(name, kind):
    def check(tmp_path, out, fakes):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG") if kind == "png" else data[8:12] == b"WEBP"

    return check


def _sent(fake, **inputs):
    def check(tmp_path, out, fakes):
        space = getattr(fakes, fake) if hasattr(fakes, fake) else fakes.spaces[fake]
        assert {name: space.received[-1][name] for name in inputs} == inputs

    return check


def _uploaded(space_id, name):
    def check(tmp_path, out, fakes):
        assert [upload.content for upload in fakes.spaces[space_id].uploads] == [(tmp_path / name).read_bytes()]

    return check


def _printed(*pieces):
    def check(tmp_path, out, fakes):
        assert all(piece in out for piece in pieces), out

    return check


def _batch_files(tmp_path, out, fakes):
    names = sorted(path.name for path in (tmp_path / "foxes").iterdir())
    assert [re.fullmatch(r"a-(blue|red)-fox-[0-9a-f]{8}\.png", name).group(1) for name in names] == ["blue", "red"]


def _json_file(tmp_path, out, fakes):
    assert json.loads((tmp_path / "result.json").read_text())["provider"] == "BlackForestLabs_Flux1Schnell"


COMMAND_EFFECTS = {
    '"a cat wearing a hat" -o cat.webp --seed 7': [
        _saved("cat.webp", "webp"), _sent("flux", seed=7, width=1024, height=768)
    ],
    '"a cat wearing a hat" -o cat.webp': [_saved("cat.webp", "webp")],
    "batch prompts.txt": [_batch_files],
    "--model sd-3.5": [_saved("castle.webp", "webp"), _sent("sd35", negative_prompt="blurry", width=1024, height=576)],
    "hfimage - -o out.webp": [_saved("out.webp", "webp"), _sent("flux", prompt="a prompt from a file")],
    "--json --quiet": [_json_file],
    "--model sdxl-turbo": [_saved("fox.png", "png")],
    "--space Qwen/Qwen-Image": [_saved("qwen-fox.webp", "webp"), _sent("Qwen/Qwen-Image", aspect_ratio="3:4")],
    "inspect Tongyi-MAI/Z-Image-Turbo": [_printed("endpoint /generate", "cannot take: negative_prompt")],
    "--credits": [_saved("fox.webp", "webp"), _sent("flux", prompt="a red fox")],
    "--image photo.png": [_saved("night.png", "png"), _uploaded("black-forest-labs/FLUX.1-Kontext-Dev", "photo.png")],
    "hfimage models": [_printed("z-image-turbo", "Tongyi-MAI/Z-Image-Turbo, mrfakename/Z-Image-Turbo")],
    "providers --check": [_printed("BlackForestLabs_Flux1Schnell", "ok", "token: from HF_TOKEN")],
    "hfimage quota": [_printed("ZeroGPU quota: 45 s of 300 s used (15%), 255 s left, resets at 2026-12-02 10:00 UTC")],
}  # fmt: skip
