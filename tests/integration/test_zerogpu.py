"""Every ZeroGPU message of the `spaces` package (0.28 to 0.51.3), by title and by text: the typed error it becomes."""

import pytest

import hfimage
from hfimage import GPUDurationError, QuotaExceededError, ServiceUnavailableError
from hfimage._protocols.gradio.zerogpu import Failure
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, error

TITLES = [
    ("ZeroGPU quota exceeded", Failure.QUOTA),
    ("ZeroGPU pending credits exceeded", Failure.PENDING),
    ("ZeroGPU queue timeout", Failure.BUSY),
    ("ZeroGPU client error", Failure.BUSY),
    ("ZeroGPU illegal duration", Failure.DURATION),
]


ERRORS = {
    Failure.QUOTA: (QuotaExceededError, True),
    Failure.RUNS: (QuotaExceededError, True),
    Failure.PENDING: (QuotaExceededError, True),
    Failure.SPACE_LIMIT: (QuotaExceededError, False),
    Failure.BUSY: (ServiceUnavailableError, None),
    Failure.DURATION: (GPUDurationError, None),
}


@pytest.mark.parametrize("protocol", ["queue", "call"])
@pytest.mark.parametrize(("title", "kind"), TITLES)
def test_titles_arrive_on_both_routes(protocol, title, kind):
    with FakeSpace() as space, hfimage.Client(protocol=protocol) as client:
        space.script([error({"error": "GPU task aborted", "title": title})])
        with pytest.raises(ERRORS[kind][0]):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url))
