"""Gradio's output diffs: each later intermediate output is a list of edits to the one before."""

from __future__ import annotations

import copy
from typing import Any

from ..._core.text import excerpt
from ...errors import ProtocolError

ACTIONS = ("replace", "append", "add", "delete")


def apply_diff(value: Any, edits: Any, provider: str | None = None) -> Any:
    """``value`` with ``edits`` (a list of ``[action, path, new value]``) applied; the input is not changed."""
    if not isinstance(edits, list):
        raise ProtocolError(f"An output diff is not a list of edits: {excerpt(str(edits))!r}", provider=provider)
    result = copy.deepcopy(value)
    for edit in edits:
        if not isinstance(edit, list) or len(edit) != 3 or edit[0] not in ACTIONS or not isinstance(edit[1], list):
            raise ProtocolError(
                f"An output diff has an edit hfimage does not know: {excerpt(str(edit))!r}", provider=provider
            )
        try:
            result = _apply(result, edit[0], edit[1], edit[2])
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ProtocolError(
                f"An output diff does not fit the output it edits: {excerpt(str(edit))!r}", provider=provider
            ) from exc
    return result


def _apply(target: Any, action: str, path: list[Any], value: Any) -> Any:
    if not path:
        if action == "replace":
            return value
        if action == "append":
            return target + value
        raise ValueError(f"cannot {action} the whole output")
    parent = target
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "append":
        parent[last] = parent[last] + value
    elif action == "add":
        if isinstance(parent, list):
            parent.insert(int(last), value)
        else:
            parent[last] = value
    elif isinstance(parent, list):
        del parent[int(last)]
    else:
        del parent[last]
    return target
