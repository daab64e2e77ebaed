"""Every ZeroGPU message of the `spaces` package (0.28 to 0.51.3), by title and by text: the typed error it becomes."""

import pytest

import hfimage
from hfimage import ProviderError
from hfimage._protocols.gradio.zerogpu import Failure
from hfimage.providers import BlackForestLabs_Flux1Schnell

from ..helpers import ZEROGPU_ERRORS

REAL_APP_CASES = [  # what tests/apps/spaces.py's zerogpu app raises for "zerogpu N": its kind, and its text's
    (Failure.QUOTA, Failure.QUOTA),
    (Failure.PENDING, Failure.PENDING),
    (Failure.BUSY, Failure.BUSY),
    (Failure.BUSY, None),  # "GPU task aborted": only the title says what it is
    (Failure.DURATION, Failure.DURATION),
    (Failure.QUOTA, Failure.QUOTA),
    (Failure.SPACE_LIMIT, Failure.SPACE_LIMIT),
]


def expected_error(case, titled, protocol):
    by_title, by_text = REAL_APP_CASES[case]
    if not titled and protocol == "call":
        return ProviderError  # Gradio 4 hides every app error's text on the call route
    kind = by_title if titled else by_text
    return ZEROGPU_ERRORS[kind][0] if kind is not None else ProviderError


@pytest.mark.parametrize("protocol", ["queue", "call"])
@pytest.mark.parametrize("case", range(len(REAL_APP_CASES)))
def test_a_real_gradio_apps_zerogpu_errors_are_typed_right(gradio, protocol, case):
    """Gradio 6 sends titles on both routes; 4.44 has no titles, and its call route hides every error's text."""
    expected = expected_error(case, not gradio.version.startswith("4."), protocol)
    provider = BlackForestLabs_Flux1Schnell(url=gradio.url["zerogpu"])
    with hfimage.Client(protocol=protocol, timeout=60) as client, pytest.raises(hfimage.HFImageError) as caught:
        client.generate(f"zerogpu {case}", provider=provider)
    assert type(caught.value) is expected
