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


@pytest.mark.parametrize(
    "code", [code for code in python_examples() if "def test_" not in code], ids=lambda code: code.splitlines()[-1][:40]
)
def test_each_example_runs(code, monkeypatch, tmp_path):
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
    if "FakeSpace" not in code:  # that example brings its own server
        assert flux.requests or sd35.requests
