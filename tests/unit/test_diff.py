import pytest

from hfimage import ProtocolError
from hfimage._protocols.gradio.diff import apply_diff

FILE = {"path": "/tmp/gradio/a/image.webp", "url": "http://x.invalid/file=a", "meta": {"_type": "gradio.FileData"}}


def test_a_recorded_gradio_6_preview_diff_replaces_path_and_url():
    edits = [["replace", ["path"], "/tmp/gradio/b/image.webp"], ["replace", ["url"], "http://x.invalid/file=b"]]
    assert apply_diff(FILE, edits) == {**FILE, "path": "/tmp/gradio/b/image.webp", "url": "http://x.invalid/file=b"}
    assert FILE["path"] == "/tmp/gradio/a/image.webp"  # the previous output is left as it was


@pytest.mark.parametrize(
    ("value", "edits", "expected"),
    [
        ("Hel", [["append", [], "lo"]], "Hello"),
        ([1, 2], [["replace", [], [3]]], [3]),
        ({"text": "a"}, [["append", ["text"], "b"]], {"text": "ab"}),
        ([1, 3], [["add", [1], 2]], [1, 2, 3]),
        ({"a": 1}, [["add", ["b"], 2]], {"a": 1, "b": 2}),
        ([1, 2, 3], [["delete", [0], None]], [2, 3]),
        ({"a": 1, "b": 2}, [["delete", ["a"], None]], {"b": 2}),
        ({"a": [{"b": "x"}]}, [["replace", ["a", 0, "b"], "y"]], {"a": [{"b": "y"}]}),
        ([], [], []),
    ],
)
def test_each_edit_action(value, edits, expected):
    assert apply_diff(value, edits) == expected


@pytest.mark.parametrize(
    "edits",
    [
        "not a list",
        [["explode", [], 1]],
        [["replace", "path", 1]],
        [["replace", ["missing", "deeper"], 1]],
        [["delete", [], None]],
        [["add", [9], 1, 2]],
        [["append", ["a"], 1]],
    ],
)
def test_edits_that_do_not_fit_are_protocol_errors(edits):
    with pytest.raises(ProtocolError):
        apply_diff({"a": "text"}, edits)
