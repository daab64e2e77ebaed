"""ZeroGPU quota is the caller's, shared by every ZeroGPU space: once spent, no ZeroGPU space is asked."""

from hfimage import QuotaExceededError


def test_a_quota_error_from_zerogpu_is_a_quota_error_with_its_wait():
    error_ = QuotaExceededError("x", retry_after=3.0, shared=True)
    assert (error_.retry_after, error_.shared) == (3.0, True)
