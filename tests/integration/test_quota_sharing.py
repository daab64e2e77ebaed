"""ZeroGPU quota is the caller's, shared by every ZeroGPU space: once spent, no ZeroGPU space is asked."""

import json

import pytest

import hfimage
from hfimage import AllProvidersOutOfQuotaError, QuotaMemory
from hfimage._core.quota_memory import zerogpu_key
from hfimage.testing import FakeSpace, error

QUOTA = "You have exceeded your ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:00."

IDS = ("owner/zero-one", "owner/zero-two", "owner/zero-three", "owner/on-cpu")

TOKEN = "hf_sharedquota1234"


@pytest.fixture
def spaces(fake_hub):
    """Three ZeroGPU spaces and one on other hardware, behind the fake Hub, in that fallback order."""
    with FakeSpace() as one, FakeSpace() as two, FakeSpace() as three, FakeSpace() as cpu:
        for space_id, space in zip(IDS, (one, two, three, cpu), strict=True):
            fake_hub.add(space_id, space.url, hardware="cpu-basic" if space is cpu else "zero-a10g")
        yield one, two, three, cpu


def jobs(space):
    return [request for request in space.requests if request.method == "POST"]


def test_after_a_zerogpu_quota_error_the_other_zerogpu_spaces_get_nothing(spaces):
    one, two, three, cpu = spaces
    one.script([error({"error": QUOTA})])
    with hfimage.Client() as client:
        image = client.generate("a cat", provider=list(IDS))
        assert image.provider == "owner/on-cpu"
        assert [attempt.provider for attempt in image.attempts] == ["owner/zero-one", "owner/on-cpu"]
        assert image.attempts[0].error.shared is True
        later = client.generate("a dog", provider=list(IDS))
    assert later.provider == "owner/on-cpu"
    assert [attempt.provider for attempt in later.attempts] == ["owner/on-cpu"]
    assert (len(jobs(one)), len(jobs(two)), len(jobs(three)), len(jobs(cpu))) == (1, 0, 0, 2)


def test_with_only_zerogpu_spaces_left_no_request_is_sent_at_all(spaces):
    one, two, three, _ = spaces
    one.script([error({"error": QUOTA})])
    with hfimage.Client() as client:
        with pytest.raises(AllProvidersOutOfQuotaError) as first:
            client.generate("a cat", provider=list(IDS[:3]))
        sent = [len(space.requests) for space in (one, two, three)]
        with pytest.raises(AllProvidersOutOfQuotaError) as second:
            client.generate("a cat", provider=list(IDS[:3]))
    assert first.value.retry_after == 300.0
    assert second.value.retry_after == 300.0
    assert second.value.shared is True
    assert [len(space.requests) for space in (one, two, three)] == sent
    assert sent[1:] == [0, 0]  # two and three were never even read
    assert "your ZeroGPU quota is used up for 300 s more" in str(second.value)


def test_a_zerogpu_space_named_alone_is_still_tried(spaces):
    one, _two, _, _ = spaces
    one.script([error({"error": QUOTA})])
    with hfimage.Client() as client:
        with pytest.raises(AllProvidersOutOfQuotaError):
            client.generate("a cat", provider=list(IDS[:2]))
        image = client.generate("a cat", provider="owner/zero-two")
    assert image.provider == "owner/zero-two"


def test_a_spaces_own_gpu_limit_rests_that_space_alone(spaces):
    one, _two, _, _ = spaces
    one.script([error({"error": "Space app has reached its GPU limit."})])
    with hfimage.Client() as client:
        image = client.generate("a cat", provider=list(IDS))
    assert image.provider == "owner/zero-two"
    assert image.attempts[0].error.shared is False


def test_the_quota_is_kept_per_token_and_anonymous_callers_share_theirs(spaces):
    one, _two, _, _ = spaces
    one.script([error({"error": QUOTA})])
    with hfimage.Client() as client:
        client.generate("a cat", provider=list(IDS))  # anonymous quota spent
        image = client.generate("a cat", provider=list(IDS), token=TOKEN)
    assert image.provider == "owner/zero-one"  # the token's own quota is untouched


def test_a_space_the_catalog_knows_is_on_zerogpu_is_skipped_without_asking_the_hub(fake_providers):
    fake_providers.flux.script([error({"error": QUOTA})])
    with pytest.raises(AllProvidersOutOfQuotaError):
        hfimage.generate("a cat")
    assert fake_providers.voodoohop.requests == []
    others = [space for space in fake_providers.spaces.values() if space is not fake_providers.flux]
    assert all(space.requests == [] for space in others)
    assert fake_providers.hub.requests == []


def test_the_memory_keeps_a_digest_of_the_token_never_the_token(tmp_path, spaces):
    one, _, _, _ = spaces
    one.script([error({"error": QUOTA})])
    path = tmp_path / "quota.json"
    with hfimage.Client(quota=QuotaMemory(path), token=TOKEN) as client:
        client.generate("a cat", provider=list(IDS))
    saved = path.read_text()
    assert TOKEN not in saved
    assert list(json.loads(saved)["rests"]) == [zerogpu_key(TOKEN)]
    with hfimage.Client(quota=QuotaMemory(path), token=TOKEN) as later:
        image = later.generate("a cat", provider=list(IDS))
    assert image.provider == "owner/on-cpu"
    assert len(jobs(one)) == 1
