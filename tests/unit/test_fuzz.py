"""Fuzzing: whatever a server sends, the outcome is a correct result or an hfimage error, nothing else."""

import contextlib
import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hfimage import HFImageError, ProtocolError, QuotaExceededError
from hfimage._core.request import build_request
from hfimage._core.text import plain
from hfimage._http.sse import sse_events
from hfimage._protocols.gradio.api_info import with_names
from hfimage._protocols.gradio.app import App, parse_config
from hfimage._protocols.gradio.app_errors import app_error
from hfimage._protocols.gradio.binding import choose
from hfimage._protocols.gradio.call import _read_events
from hfimage._protocols.gradio.diff import apply_diff
from hfimage._protocols.gradio.filling import fill
from hfimage._protocols.gradio.outputs import image_and_seed
from hfimage._protocols.gradio.queue import _follow
from hfimage._protocols.gradio.zerogpu import retry_after as quota_retry_after
from hfimage._protocols.imagelabs import read_progress
from hfimage._protocols.output import Output

from ..helpers import file_data, sse

SPACE = App("http://127.0.0.1:9", "/gradio_api")

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


hostile_strings = st.sampled_from(
    [
        "",
        "../../etc/passwd",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "\x00",
        "<script>x</script>",
        "%00",
        "💥" * 50,
    ]
)


field_values = json_values | hostile_strings


def outcome_of(run):
    """Everything the code under test produced, or the hfimage error it raised; anything else fails the test."""
    produced = []
    try:
        for item in run():
            produced.append(item)
    except HFImageError as error:
        return produced, error
    return produced, None


STREAM = sse(
    ("generating", [file_data("one"), 5]),
    ("heartbeat", None),
    ("generating", [file_data("two"), 5]),
    ("complete", [file_data("two"), 5]),
).encode()


EXPECTED = [
    Output(SPACE.file_url("/tmp/gradio/one/image.webp", "P"), 5, False),
    Output(SPACE.file_url("/tmp/gradio/two/image.webp", "P"), 5, True),
]


@FUZZ
@given(st.lists(st.integers(min_value=1, max_value=len(STREAM) - 1), max_size=40, unique=True))
def test_a_stream_split_anywhere_gives_the_same_events(cuts):
    bounds = [0, *sorted(cuts), len(STREAM)]
    chunks = [STREAM[start:end] for start, end in itertools.pairwise(bounds)]
    assert list(_read_events(sse_events(chunks, "P"), SPACE, "P")) == EXPECTED


@FUZZ
@given(st.integers(min_value=0, max_value=len(STREAM) - 1))
def test_a_stream_cut_short_is_a_typed_error_or_a_correct_prefix(length):
    produced, error = outcome_of(lambda: _read_events(sse_events([STREAM[:length]], "P"), SPACE, "P"))
    assert produced == EXPECTED[: len(produced)]
    if len(produced) < len(EXPECTED):
        assert isinstance(error, HFImageError)


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(["generating", "complete", "error", "heartbeat", "other"]), field_values), max_size=6
    )
)
def test_any_call_route_events_give_outputs_or_a_typed_error(events):
    stream = [(name, json.dumps(data)) for name, data in events]
    produced, error = outcome_of(lambda: _read_events(iter(stream), SPACE, "P"))
    assert all(isinstance(item, Output) and item.url.startswith(("http://", "https://")) for item in produced)
    assert error is not None or (produced and produced[-1].final)


KINDS = ["estimation", "process_starts", "progress", "log", "process_generating", "process_completed",
         "heartbeat", "close_stream", "unexpected_error", "surprise"]  # fmt: skip


queue_messages = st.fixed_dictionaries(
    {"msg": st.sampled_from(KINDS), "event_id": st.sampled_from(["e1", None, "other"])},
    optional={
        key: field_values
        for key in (
            "rank",
            "queue_size",
            "rank_eta",
            "eta",
            "progress_data",
            "log",
            "level",
            "output",
            "success",
            "message",
        )
    },
)


@FUZZ
@given(st.lists(queue_messages | field_values, max_size=8))
def test_any_queue_messages_give_events_or_a_typed_error(messages):
    produced, error = outcome_of(lambda: _follow(iter(messages), SPACE, "e1", "P"))
    finals = [item for item in produced if isinstance(item, Output) and item.final]
    assert error is not None or len(finals) == 1


@FUZZ
@given(field_values, field_values, st.integers(1, 4096))
def test_any_config_and_api_description_is_understood_or_refused_with_a_typed_error(config, info, width):
    try:
        space = with_names(parse_config("http://127.0.0.1:9", config), info, "P")
        fill(choose(space, "P"), build_request("a cat", width=width, height=width), "P")
    except HFImageError:
        pass


@FUZZ
@given(field_values)
def test_any_progress_answer_is_read_or_refused(answer):
    try:
        progress = read_progress(answer, "ImageLabs")
    except ProtocolError:
        return
    assert progress.state in ("done", "failed", "running")
    assert isinstance(progress.detail, str)


@FUZZ
@given(field_values, field_values)
def test_any_diff_applies_or_is_refused(value, edits):
    with contextlib.suppress(ProtocolError):
        apply_diff(value, edits)


@FUZZ
@given(field_values)
def test_any_outputs_give_an_http_url_or_nothing(outputs):
    url, seed = image_and_seed(outputs, SPACE, "P")
    assert url is None or url.startswith(("http://", "https://"))
    assert seed is None or isinstance(seed, int)


quota_texts = st.builds(
    "".join,
    st.lists(
        st.sampled_from(["You have exceeded your ", "GPU quota", "ZeroGPU", " (60s left). ", "retry in ",
                         "try again in ", "0:05:12", "1 day, ", "2 days", "<a href='x'>", "</a>", ".", " "])
        | st.text(max_size=10),
        max_size=12,
    ),
)  # fmt: skip


@FUZZ
@given(quota_texts)
def test_any_quota_text_gives_a_typed_error_with_a_sane_wait(text):
    wait = quota_retry_after(text)
    assert wait is None or wait >= 0
    error = app_error(text, "P")
    assert isinstance(error, HFImageError)
    assert "<a" not in str(error)
    if isinstance(error, QuotaExceededError) and "credits allocated" not in text.lower():
        assert error.retry_after == quota_retry_after(plain(text))  # the wait is the one the message names
