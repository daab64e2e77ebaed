"""Every ZeroGPU message of the `spaces` package (0.28 to 0.51.3), by title and by text: the typed error it becomes."""

import pytest

from hfimage import ProviderError, QuotaExceededError, ServiceUnavailableError
from hfimage._protocols.gradio.app_errors import app_error
from hfimage._protocols.gradio.zerogpu import Failure, classify, retry_after

from ..helpers import ZEROGPU_ERRORS, ZEROGPU_TEXTS, ZEROGPU_TITLES


@pytest.mark.parametrize(("text", "kind", "wait"), ZEROGPU_TEXTS)
def test_every_wording_is_read_without_a_title(text, kind, wait):
    assert classify(text) is kind
    assert retry_after(text) == wait
    made = app_error(text, "P")
    cls, shared = ZEROGPU_ERRORS[kind]
    assert type(made) is cls
    if cls is QuotaExceededError:
        assert made.retry_after == (30.0 if kind is Failure.PENDING and wait is None else wait)
        assert made.shared is shared
    assert "<a" not in str(made)
    assert str(made).startswith("P: ")


@pytest.mark.parametrize(("title", "kind"), ZEROGPU_TITLES)
def test_the_title_decides_whatever_the_text(title, kind):
    assert classify("Something went wrong on the GPU", title) is kind
    assert type(app_error("Something went wrong on the GPU", "P", title=title)) is ZEROGPU_ERRORS[kind][0]
    assert type(app_error(None, "P", title=title)) is ZEROGPU_ERRORS[kind][0]  # a title without text still counts


def test_a_quota_title_wins_over_a_text_that_reads_as_a_busy_gpu():
    made = app_error("No GPU was available after 60s", "P", title="ZeroGPU quota exceeded")
    assert type(made) is QuotaExceededError
    assert made.shared is True


def test_an_ordinary_title_leaves_the_text_to_decide():
    assert type(app_error("CUDA out of memory", "P", title="Error")) is ProviderError
    assert type(app_error("No GPU was available", "P", title="Error")) is ServiceUnavailableError


def test_messages_keep_the_spaces_words_and_add_what_to_do():
    quota = ZEROGPU_TEXTS[5][0]
    anonymous = app_error(quota, "P", anonymous=True)
    assert str(anonymous) == (
        f"P: {quota}. (retry after 312 s) Without a token you share the anonymous ZeroGPU quota (2 minutes of GPU "
        "a day per address): give a Hugging Face token (token=, HF_TOKEN, or `hf auth login`) for 5 minutes a day, "
        "40 with PRO."
    )
    with_token = app_error(quota, "P")
    assert str(with_token).endswith(
        "(retry after 312 s) This quota is your account's, shared by every ZeroGPU space: hfimage will not try the "
        "others until then."
    )
    pending = app_error(ZEROGPU_TEXTS[14][0], "P")
    assert "wait for them to finish, then try again" in str(pending)
    duration = app_error(ZEROGPU_TEXTS[15][0], "P", anonymous=True)
    assert "ask for fewer steps or a smaller image" in str(duration)
    assert "hf auth login" in str(duration)
    limit = app_error(ZEROGPU_TEXTS[13][0], "P")
    assert "use another space, or try it later" in str(limit)


@pytest.mark.parametrize(
    "text", ["CUDA out of memory", "The model could not load its weights.", "quota", "Try again in a bit"]
)
def test_other_errors_are_not_zerogpu(text):
    assert classify(text) is None
    assert type(app_error(text, "P")) is ProviderError
