"""What a client tells without running a job: which providers rest after a quota error, read from its
memory alone (no request, no Hub)."""

import responses

import hfimage
from hfimage import QuotaExceededError
from hfimage._core.quota_memory import QuotaMemory, zerogpu_key
from hfimage.providers import BlackForestLabs_Flux1Schnell, ImageLabs

from ..helpers import FakeClock


def test_a_provider_rests_for_its_own_quota_and_a_zerogpu_one_for_the_callers():
    clock = FakeClock()
    memory = QuotaMemory(clock=clock)
    flux, labs = BlackForestLabs_Flux1Schnell(), ImageLabs()  # on ZeroGPU, and not
    with responses.RequestsMock() as mock, hfimage.Client(quota=memory, cache=False) as client:
        assert (client.resting(flux), client.resting(labs)) == (None, None)
        memory.remember(zerogpu_key(None), QuotaExceededError("q", retry_after=60, shared=True))
        assert (client.resting(flux), client.resting("BlackForestLabs_Flux1Schnell"), client.resting(labs)) == (
            60.0, 60.0, None
        )  # fmt: skip
        memory.remember(labs.key, QuotaExceededError("q", retry_after=30))
        clock.sleep(20)
        assert (client.resting(flux), client.resting(labs)) == (40.0, 10.0)
        clock.sleep(41)
        assert (client.resting(flux), client.resting(labs)) == (None, None)
        assert len(mock.calls) == 0


def test_the_callers_zerogpu_rest_is_kept_per_token():
    memory = QuotaMemory(clock=FakeClock())
    memory.remember(zerogpu_key("hf_" + "a" * 30), QuotaExceededError("q", retry_after=60, shared=True))
    with (
        hfimage.Client(quota=memory, cache=False) as anonymous,
        hfimage.Client(token="hf_" + "a" * 30, quota=memory, cache=False) as identified,
    ):
        assert anonymous.resting(BlackForestLabs_Flux1Schnell()) is None
        assert identified.resting(BlackForestLabs_Flux1Schnell()) == 60.0
