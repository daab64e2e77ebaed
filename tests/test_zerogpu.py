"""Every ZeroGPU message of the `spaces` package (0.28 to 0.51.3), by title and by text: the typed error it becomes."""

import pytest

import hfimage
from hfimage import GPUDurationError, ProviderError, QuotaExceededError, ServiceUnavailableError
from hfimage._protocols.gradio.app_errors import app_error
from hfimage._protocols.gradio.zerogpu import Failure, classify, retry_after
from hfimage.providers import BlackForestLabs_Flux1Schnell
from hfimage.testing import FakeSpace, error

TOKEN_ADVICE = "Authenticate with a Hugging Face token for more quota - https://huggingface.co/settings/tokens"

# (text, the kind it reports, the wait it names)
TEXTS = [
    ("You have exceeded your GPU quota (46s left vs. 60s requested). Sign-up on Hugging Face to get more quotas or "
     "retry in 0:09:48", Failure.QUOTA, 588.0),
    ("You have exceeded your GPU quota (60s requested vs. 12s left). Try again in 0:05:12", Failure.QUOTA, 312.0),
    ("You have exceeded your free GPU quota (60s requested vs. 12s left). Try again in 0:05:12", Failure.QUOTA, 312.0),
    ("You have exceeded your Pro GPU quota (60s requested vs. 12s left). Try again in 1 day, 2:03:04", Failure.QUOTA,
     93784.0),
    ('You have exceeded your GPU quota (60s requested vs. 56s left). <a href="https://huggingface.co/join">Create a '
     "free account</a> to get more usage quota.", Failure.QUOTA, None),
    (f"You have exceeded your ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:12. {TOKEN_ADVICE}",
     Failure.QUOTA, 312.0),
    ("You have exceeded your free ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:12. Subscribe to "
     "Hugging Face PRO to get 40 min of ZeroGPU quota a day - https://huggingface.co/subscribe/pro", Failure.QUOTA,
     312.0),
    ("You have exceeded your Pro ZeroGPU quota (60s requested vs. 12s left). Try again in 0:05:12. Add credits to "
     "keep using ZeroGPU. $1 for 10 minutes of ZeroGPU inference - https://huggingface.co/settings/billing",
     Failure.QUOTA, 312.0),
    ("You have exceeded your GPU quota (286s left vs 300s requested). Signup on Huggingface or try again in 2 days.",
     Failure.QUOTA, 172800.0),
    ("You have exceeded your runs limit.", Failure.RUNS, None),
    ("You have exceeded your ZeroGPU runs limit.", Failure.RUNS, None),
    ("Unlogged user is runnning out of daily ZeroGPU quotas. Signup for free on https://huggingface.co/join or login "
     "on https://huggingface.co/login to get more ZeroGPU quota now.", Failure.QUOTA, None),
    ("User is runnning out of daily ZeroGPU quotas. Visit https://huggingface.co/subscribe/pro to get more ZeroGPU "
     "quota now.", Failure.QUOTA, None),
    ("Space app has reached its GPU limit. Try re-running outside of examples if it happened after clicking one",
     Failure.SPACE_LIMIT, None),
    ("You have too many ZeroGPU credits allocated to running tasks. Try again once some of those tasks have "
     "completed.", Failure.PENDING, None),
    ("The requested GPU duration (120s) is larger than the maximum allowed", Failure.DURATION, None),
    ("No GPU was available after 60s", Failure.BUSY, None),
    ("No GPU was available", Failure.BUSY, None),
]  # fmt: skip
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


@pytest.mark.parametrize(("text", "kind", "wait"), TEXTS)
def test_every_wording_is_read_without_a_title(text, kind, wait):
    assert classify(text) is kind
    assert retry_after(text) == wait
    made = app_error(text, "P")
    cls, shared = ERRORS[kind]
    assert type(made) is cls
    if cls is QuotaExceededError:
        assert made.retry_after == (30.0 if kind is Failure.PENDING and wait is None else wait)
        assert made.shared is shared
    assert "<a" not in str(made)
    assert str(made).startswith("P: ")


@pytest.mark.parametrize(("title", "kind"), TITLES)
def test_the_title_decides_whatever_the_text(title, kind):
    assert classify("Something went wrong on the GPU", title) is kind
    assert type(app_error("Something went wrong on the GPU", "P", title=title)) is ERRORS[kind][0]
    assert type(app_error(None, "P", title=title)) is ERRORS[kind][0]  # a title without text still counts


def test_a_quota_title_wins_over_a_text_that_reads_as_a_busy_gpu():
    made = app_error("No GPU was available after 60s", "P", title="ZeroGPU quota exceeded")
    assert type(made) is QuotaExceededError
    assert made.shared is True


def test_an_ordinary_title_leaves_the_text_to_decide():
    assert type(app_error("CUDA out of memory", "P", title="Error")) is ProviderError
    assert type(app_error("No GPU was available", "P", title="Error")) is ServiceUnavailableError


def test_messages_keep_the_spaces_words_and_add_what_to_do():
    quota = TEXTS[5][0]
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
    pending = app_error(TEXTS[14][0], "P")
    assert "wait for them to finish, then try again" in str(pending)
    duration = app_error(TEXTS[15][0], "P", anonymous=True)
    assert "ask for fewer steps or a smaller image" in str(duration)
    assert "hf auth login" in str(duration)
    limit = app_error(TEXTS[13][0], "P")
    assert "use another space, or try it later" in str(limit)


@pytest.mark.parametrize("protocol", ["queue", "call"])
@pytest.mark.parametrize(("title", "kind"), TITLES)
def test_titles_arrive_on_both_routes(protocol, title, kind):
    with FakeSpace() as space, hfimage.Client(protocol=protocol) as client:
        space.script([error({"error": "GPU task aborted", "title": title})])
        with pytest.raises(ERRORS[kind][0]):
            client.generate("a cat", provider=BlackForestLabs_Flux1Schnell(url=space.url))


@pytest.mark.parametrize(
    "text", ["CUDA out of memory", "The model could not load its weights.", "quota", "Try again in a bit"]
)
def test_other_errors_are_not_zerogpu(text):
    assert classify(text) is None
    assert type(app_error(text, "P")) is ProviderError


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
    return ERRORS[kind][0] if kind is not None else ProviderError


@pytest.mark.parametrize("protocol", ["queue", "call"])
@pytest.mark.parametrize("case", range(len(REAL_APP_CASES)))
def test_a_real_gradio_apps_zerogpu_errors_are_typed_right(gradio, protocol, case):
    """Gradio 6 sends titles on both routes; 4.44 has no titles, and its call route hides every error's text."""
    expected = expected_error(case, not gradio.version.startswith("4."), protocol)
    provider = BlackForestLabs_Flux1Schnell(url=gradio.url["zerogpu"])
    with hfimage.Client(protocol=protocol, timeout=60) as client, pytest.raises(hfimage.HFImageError) as caught:
        client.generate(f"zerogpu {case}", provider=provider)
    assert type(caught.value) is expected
