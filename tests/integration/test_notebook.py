"""A real notebook, run in a real Jupyter kernel: an Image as a cell's last expression shows the picture."""

import base64

import nbformat
import pytest
from nbclient import NotebookClient

from hfimage.testing import prompt_colour, solid_png


@pytest.fixture(autouse=True)
def _quiet_jupyter(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))


def test_a_notebook_shows_the_image_and_awaits_the_async_api(fake_space):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import hfimage, hfimage.aio\n"
            "from hfimage.providers import BlackForestLabs_Flux1Schnell\n"
            f"space = BlackForestLabs_Flux1Schnell(url={fake_space.url!r})"
        ),
        nbformat.v4.new_code_cell('image = hfimage.generate("a red fox", provider=space, seed=3)\nimage'),
        nbformat.v4.new_code_cell('(await hfimage.aio.generate("a blue fox", provider=space, seed=4)).seed'),
    ]
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    shown = notebook.cells[1].outputs[0]
    assert shown["output_type"] == "execute_result"
    assert base64.b64decode(shown["data"]["image/png"]) == solid_png(8, 8, prompt_colour("a red fox"))
    assert shown["data"]["text/html"].startswith('<img src="data:image/png;base64,')
    assert notebook.cells[2].outputs[0]["data"]["text/plain"] == "4"
