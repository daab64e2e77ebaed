import pytest

from hfimage._protocols.gradio.quota import is_quota_message, quota_retry_after

WORDINGS = [
    (
        "You have exceeded your free ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:12. "
        "Subscribe to Pro to get 5x more usage quota.",
        312.0,
    ),
    (
        "You have exceeded your GPU quota (46s left vs. 60s requested). "
        "Sign-up on Hugging Face to get more quotas or retry in 0:09:48.",
        588.0,
    ),
    ("You have exceeded your GPU quota (59s left vs. 60s requested). Please retry in 0:00:56", 56.0),
    (
        "You have exceeded your GPU quota (286s left vs 300s requested). Signup on Huggingface or try again in 2 days.",
        2 * 86400.0,
    ),
    (
        "You have exceeded your GPU quota (60s requested vs. 56s left). Create a free account to get more usage quota.",
        None,
    ),
    ("You have exceeded your ZeroGPU runs limit.", None),
    ("Space app has reached its GPU limit. Please try again later", None),
    ("No GPU was available after 60s", None),
    ("YOU HAVE EXCEEDED YOUR GPU QUOTA. Retry in 1 day, 2:03:04", 86400.0 + 2 * 3600 + 3 * 60 + 4),
]


@pytest.mark.parametrize(("text", "seconds"), WORDINGS)
def test_every_known_quota_wording_is_recognised_with_its_wait(text, seconds):
    assert is_quota_message(text)
    assert quota_retry_after(text) == seconds


@pytest.mark.parametrize(
    "text", ["CUDA out of memory", "The model could not load its weights.", "quota", "Try again in a bit"]
)
def test_other_errors_are_not_quota(text):
    assert not is_quota_message(text)
