"""The public surface: one list of parameters that every signature and the CLI follow, the same
calls in hfimage and hfimage.aio, and the declared seam (plan, run, quota memory) callers build on."""

import pytest

import hfimage
import hfimage.aio
from hfimage.providers import BlackForestLabs_Flux1Schnell, Voodoohop_Flux1Schnell
from hfimage.testing import FakeSpace, error

QUOTA = {"error": "Space app has reached its GPU limit. Please retry in 0:00:56"}
"""A space's own GPU limit: it rests that space alone, so the next one (ZeroGPU or not) is tried."""


def test_an_unknown_parameter_is_refused_by_name_before_anything_is_sent(fake_space):
    provider = BlackForestLabs_Flux1Schnell(url=fake_space.url)
    with hfimage.Client() as client, pytest.raises(hfimage.InvalidRequestError) as caught:
        client.generate("a cat", provider=provider, negative_promt="dogs")  # type: ignore[call-arg]
    assert str(caught.value).startswith("generate() has no parameter 'negative_promt'; it takes model, provider, ")
    assert fake_space.requests == []


def test_a_plan_is_checked_then_run_and_a_quota_memory_can_be_passed_in(fake_space):
    memory = hfimage.QuotaMemory()
    fake_space.script([error(QUOTA)])
    second_space = FakeSpace()
    providers = [BlackForestLabs_Flux1Schnell(url=fake_space.url), Voodoohop_Flux1Schnell(url=second_space.url)]
    with second_space:
        with hfimage.Client(quota=memory) as client:
            plan = client.plan("a cat", provider=providers, seed=3)
            assert isinstance(plan, hfimage.Plan)
            assert fake_space.requests == []  # planning sends nothing
            image = hfimage.final_image(client.run(plan, hfimage.Cancellation()))
        assert (image.provider, image.seed) == ("Voodoohop_Flux1Schnell", 3)
        assert memory.remaining(providers[0].key) == pytest.approx(56, abs=2)
        with hfimage.Client(quota=memory) as another:
            again = another.generate("a cat", provider=providers)
    assert again.attempts == (hfimage.Attempt("Voodoohop_Flux1Schnell"),)  # the memory was shared


def test_a_cancelled_run_stops_before_sending(fake_space):
    cancellation = hfimage.Cancellation()
    cancellation.cancel()
    with hfimage.Client() as client:
        plan = client.plan("a cat", provider=BlackForestLabs_Flux1Schnell(url=fake_space.url))
        with pytest.raises(hfimage.CallCancelledError, match="The call was cancelled"):
            next(client.run(plan, cancellation))
    assert fake_space.requests == []
