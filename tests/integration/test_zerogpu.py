"""Every ZeroGPU message of the `spaces` package (0.28 to 0.51.3), by title and by text: the typed error it becomes."""

import pytest

import hfimage
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, error

from ..helpers import ZEROGPU_ERRORS, ZEROGPU_TITLES


@pytest.mark.parametrize("protocol", ["queue", "call"])
@pytest.mark.parametrize(("title", "kind"), ZEROGPU_TITLES)
def test_titles_arrive_on_both_routes(protocol, title, kind):
    with FakeSpace() as space, hfimage.Client(protocol=protocol) as client:
        space.script([error({"error": "GPU task aborted", "title": title})])
        with pytest.raises(ZEROGPU_ERRORS[kind][0]):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url))
