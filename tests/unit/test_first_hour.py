"""A new user's first hour, round two: input refused before anything is sent, each reason said once,
a command line that speaks in options, output where the user points it, and a quick start."""

import importlib.abc
import importlib.metadata
import inspect
import io
import json
import pydoc
import sys
import threading
from pathlib import Path

import pytest

import hfimage
import hfimage.aio
from hfimage import cli
from hfimage.cli import _display
from hfimage.parameters import PARAMETERS


class _Interrupting(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "hfimage.cli._main":
            raise KeyboardInterrupt


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_ctrl_c_while_the_command_line_loads_is_one_line_and_exit_130(monkeypatch, capsys, json_flag):
    monkeypatch.delitem(sys.modules, "hfimage.cli._main", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_Interrupting(), *sys.meta_path])
    assert cli.main(["a cat", *json_flag]) == 130
    captured = capsys.readouterr()
    assert captured.err == "hfimage: interrupted\n"
    expected = {"error": "KeyboardInterrupt", "message": "interrupted", "exit_code": 130}
    assert (json.loads(captured.out) if json_flag else captured.out) == (expected if json_flag else "")


def test_the_status_lines_clock_keeps_moving_while_a_state_lasts(monkeypatch):
    monkeypatch.setattr(_display, "TICK_SECONDS", 0.001)
    now = iter(float(second) for second in range(1000))
    stream = io.StringIO()
    line = _display.ProgressLine(stream=stream, live=True, clock=lambda: next(now))
    redrawn = threading.Event()
    with line.waiting("waiting for the first answer"):
        line.show("P: running")
        for _ in range(2000):
            if stream.getvalue().count("P: running") >= 3:
                redrawn.set()
                break
            threading.Event().wait(0.001)
    assert redrawn.is_set()
    shown = [part for part in stream.getvalue().split("\r\x1b[K") if part.endswith("P: running")]
    assert len({part[:8] for part in shown}) == len(shown)  # each redraw shows a later time


@pytest.mark.parametrize(
    "function",
    [hfimage.generate, hfimage.stream, hfimage.generate_many, hfimage.Client.generate, hfimage.Client.stream,
     hfimage.Client.plan, hfimage.aio.generate, hfimage.aio.stream, hfimage.aio.Client.generate],
)  # fmt: skip
def test_help_lists_every_parameter(function):
    assert [name for name in inspect.signature(function).parameters if name in PARAMETERS] == list(PARAMETERS)
    shown = pydoc.render_doc(function, renderer=pydoc.plaintext)
    for name in ("negative_prompt", "aspect_ratio", "guidance_scale", "timeout"):
        assert name in shown
    assert "see Client.stream()" not in shown


def test_dir_shows_the_public_names_only():
    names = dir(hfimage)
    assert {"Any", "TYPE_CHECKING", "importlib", "logging", "annotations"} & set(names) == set()
    assert {"generate", "Client", "MissingExtraError", "__version__"} <= set(names)


def test_a_clients_repr_shows_the_timeout_in_force():
    assert "timeout=300.0" in repr(hfimage.Client(cache=False))
    assert "timeout=20.0" in repr(hfimage.Client(timeout=20, cache=False))


def test_the_readme_error_table_names_every_public_error():
    readme = (Path(__file__).parents[2] / "README.rst").read_text(encoding="utf-8")
    table = readme[readme.index("Errors\n======") : readme.index("Tokens and proxies\n")]
    errors = [name for name in hfimage.__all__ if name.endswith("Error") and name != "HFImageError"]
    assert [name for name in errors if f"``{name}``" not in table] == []


def test_the_wheel_metadata_names_the_license_and_the_python_versions():
    classifiers = importlib.metadata.metadata("hfimage").get_all("Classifier")
    assert "License :: OSI Approved :: MIT License" in classifiers
    assert {f"Programming Language :: Python :: 3.{minor}" for minor in (10, 11, 12, 13)} <= set(classifiers)
    assert importlib.metadata.metadata("hfimage").get_all("Project-URL") is None  # nothing that says the same twice


def test_the_gradio_builds_progress_lines_reach_the_terminal_at_once():
    from ..apps.environments import say_for

    written = []

    class Reporter:
        def ensure_newline(self):
            written.append("newline")

        def write(self, content, *, flush=False):
            written.append((content, flush))

    class Plugins:
        def get_plugin(self, name):
            return Reporter() if name == "terminalreporter" else None

    class Config:
        pluginmanager = Plugins()

    say_for(Config())("building gradio 4.44.1 ...")
    assert written == ["newline", ("building gradio 4.44.1 ...\n", True)]
