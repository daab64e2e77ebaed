"""Every Python example in README.rst runs, with the public spaces replaced by loopback fakes."""

import contextlib
import re
from pathlib import Path

import pytest

import hfimage.aio
from hfimage.providers import BlackForestLabs_Flux1Schnell, StabilityAI_SD35Large, Voodoohop_Flux1Schnell
from hfimage.testing import SD35_INPUTS, FakeSpace

README = Path(__file__).parent.parent / "README.rst"
LOCAL_RUN = "http://127.0.0.1:7860"


def python_examples():
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", README.read_text())
    return [re.sub(r"^   ", "", block, flags=re.MULTILINE) for block in blocks]


def test_the_readme_has_examples():
    assert len(python_examples()) == 10


@pytest.mark.parametrize("code", [code for code in python_examples() if "def test_" in code])
def test_each_pytest_example_passes_with_the_installed_plugin(code, pytester):
    pytester.makepyfile(test_example=code)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=code.count("def test_"))


PNG = b"\x89PNG"


def _files(tmp_path):
    return sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file())


def _expect_lighthouse(out, tmp_path, flux):
    assert out == ["42 768 768 BlackForestLabs_Flux1Schnell"]
    assert _files(tmp_path) == ["lighthouse.png"]  # the fakes serve PNG; the real space, WebP
    assert (tmp_path / "lighthouse.png").read_bytes().startswith(PNG)


def _expect_notebook(out, tmp_path, flux):
    assert (out, _files(tmp_path)) == ([], [])
    assert [request.json()["data"][:2] for request in flux.requests if request.method == "POST"] == [
        ["a watercolour fox in the snow", 7]
    ]


def _expect_stream(out, tmp_path, flux):
    assert out[0] == "waiting, position 0"
    assert re.fullmatch(r"done: http://127\.0\.0\.1:\d+/gradio_api/file=/tmp/gradio/\w+/image\.png seed 42", out[-1])


def _expect_three_foxes(out, tmp_path, flux):
    assert _files(tmp_path) == ["fox-1.webp", "fox-2.webp", "fox-3.webp"]
    for seed in (1, 2, 3):
        data = (tmp_path / f"fox-{seed}.webp").read_bytes()
        assert (data[:4], data[8:12]) == (b"RIFF", b"WEBP")  # converted, as the name asks


def _expect_async(out, tmp_path, flux):
    assert re.fullmatch(r"42 \d+", out[0])
    assert out[1:3] == ["Queued", "Started"]
    assert out[-1] == "Image"


def _expect_seed_class(out, tmp_path, flux):
    assert len(out) == 1
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/gradio_api/file=/tmp/gradio/\w+/image\.png", out[0])


def _expect_batch(out, tmp_path, flux):
    expected = ["foxes/a-blue-fox-42.png", "foxes/a-green-fox-42.png", "foxes/a-red-fox-42.png"]
    assert _files(tmp_path) == expected  # one file per prompt, in the folder
    assert sorted(out) == expected


def _expect_providers(out, tmp_path, flux):
    assert (out, _files(tmp_path)) == ([], [])
    assert len([request for request in flux.requests if request.method == "POST"]) == 3


def _expect_fake_space(out, tmp_path, flux):
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
    "local_run = ": _expect_providers,
    "with FakeSpace() as space": _expect_fake_space,
}


def test_every_example_has_its_effects_checked():
    examples = [code for code in python_examples() if "def test_" not in code]
    assert [sum(key in code for code in examples) for key in EFFECTS] == [1] * len(EFFECTS)
    assert len(examples) == len(EFFECTS)


@pytest.mark.parametrize(
    "code", [code for code in python_examples() if "def test_" not in code], ids=lambda code: code.splitlines()[-1][:40]
)
def test_each_example_runs(code, monkeypatch, tmp_path, capsys):
    with contextlib.ExitStack() as stack:
        flux = stack.enter_context(FakeSpace())
        sd35 = stack.enter_context(FakeSpace(inputs=SD35_INPUTS))
        for cls in (BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell):
            monkeypatch.setattr(cls, "default_url", flux.url)
        monkeypatch.setattr(StabilityAI_SD35Large, "default_url", sd35.url)
        monkeypatch.setattr(hfimage.aio.StabilityAI_SD35Large, "url", sd35.url)
        for compat in (hfimage.aio.BlackForestLabs_Flux1Schnell, hfimage.aio.Voodoohop_Flux1Schnell):
            monkeypatch.setattr(compat, "url", flux.url)
        monkeypatch.chdir(tmp_path)
        exec(compile(code.replace(LOCAL_RUN, flux.url), str(README), "exec"), {})
        printed = capsys.readouterr().out.splitlines()
        (expect,) = [check for key, check in EFFECTS.items() if key in code]
        expect(printed, tmp_path, flux)
