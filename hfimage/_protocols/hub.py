"""The Hugging Face Hub's record of a space: where it runs, which SDK, whether it is up.

``GET {hub}/api/spaces/{owner}/{name}`` answers ``host``, ``sdk``, ``private`` and
``runtime.stage`` (plus ``runtime.hardware``). hfimage asks only when it must: a space on
huggingface.co is found at its usual host without the Hub, and the Hub is asked when that
host does not answer as a Gradio app, to say why (for a built-in provider too: only then).
The Hub's address is ``HF_ENDPOINT``, as for huggingface_hub, so a mirror or a test's fake Hub
can stand in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import os
import re
import threading
from dataclasses import dataclass
from typing import Any

from .._core.disk_cache import DiskCache
from .._core.server_data import reading
from .._http.auth import Credential
from .._http.channel import Channel
from .._http.urls import origin, url_problem
from .._secrets import without_secrets
from ..errors import (
    AuthenticationError,
    InvalidRequestError,
    NotAGradioSpaceError,
    ProtocolError,
    SpaceNotFoundError,
    SpaceNotRunningError,
)
from ..results import ZeroGPUQuota

DEFAULT_HUB = "https://huggingface.co"
HUB_VARIABLE = "HF_ENDPOINT"
SPACE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}")
"""``owner/name`` as the Hub allows them."""

KIND = "hub-spaces"
"""The disk cache's kind for space records."""
MODELS_KIND = "hub-models"
"""The disk cache's kind for the Inference Providers mapping of models."""
RUNNING_STAGES = frozenset({"RUNNING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"})
_STAGE_ADVICE = {
    "PAUSED": "is paused by its owner: it answers nothing until they restart it. Use another space",
    "STOPPED": "is stopped: it answers nothing until its owner restarts it. Use another space",
    "SLEEPING": "is asleep: a visit to its page wakes it up within a minute or two. Try again then",
    "BUILDING": "is being built: try again in a few minutes",
    "APP_STARTING": "is starting its app: try again in a minute",
    "BUILD_ERROR": "failed to build: its owner must fix it. Use another space",
    "CONFIG_ERROR": "has a broken configuration: its owner must fix it. Use another space",
    "RUNTIME_ERROR": "crashed: its owner must fix or restart it. Use another space",
    "NO_APP_FILE": "has no app to run. Use another space",
    "DELETING": "is being deleted. Use another space",
}


def is_space_id(text: str) -> bool:
    return SPACE_ID.fullmatch(text) is not None and ".." not in text


def space_host(space_id: str) -> str:
    """The URL huggingface.co serves a space at: the id lower-cased, ``/``, ``.`` and ``_`` made ``-``."""
    return "https://" + re.sub(r"[/._]", "-", space_id.lower()) + ".hf.space"


@dataclass(frozen=True)
class HubRecord:
    """What the Hub says of a space; None where it says nothing."""

    id: str
    host: str | None = None
    sdk: str | None = None
    private: bool = False
    stage: str | None = None
    hardware: str | None = None

    @property
    def running(self) -> bool:
        return self.stage is None or self.stage in RUNNING_STAGES


@dataclass(frozen=True)
class ProviderMapping:
    """One Inference Provider's entry for a model: its name, its own id for the model, the entry's
    status (``live``, ``staging``, ``error``), task (``text-to-image``...) and adapter, if any."""

    provider: str
    provider_id: str
    status: str | None
    task: str | None
    adapter: str | None = None
    """A LoRA adapter on a base model (``lora``), which needs its weights sent along: hfimage does not."""

    @property
    def makes_images(self) -> bool:
        """Whether it serves the model for text-to-image now (live), as hfimage calls it (no adapter)."""
        return self.status == "live" and self.task == "text-to-image" and self.adapter is None


class Hub:
    """The Hub a client asks about spaces, and what it answered (kept for the client's life, and with a
    ``cache``, on disk for the next process).

    Its address is ``url`` when given, else ``HF_ENDPOINT`` as it is at each use, else
    huggingface.co. A token goes there when it is Hugging Face's, or when the user chose it.
    """

    def __init__(self, url: str | None = None, cache: DiskCache | None = None) -> None:
        self._given = _checked(url, "hub_url=") if url is not None else None
        self._cache = cache
        self._records: dict[tuple[str, str], HubRecord] = {}
        self._mappings: dict[tuple[str, str], tuple[ProviderMapping, ...]] = {}
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        if self._given is not None:
            return self._given
        configured = os.environ.get(HUB_VARIABLE) or None
        return DEFAULT_HUB if configured is None else _checked(configured, f"The {HUB_VARIABLE} environment variable")

    @property
    def is_default(self) -> bool:
        """True for huggingface.co itself, whose spaces are found at ``space_host()`` without asking."""
        return self.url == DEFAULT_HUB

    def record(self, channel: Channel, space_id: str, *, fresh: bool = False) -> HubRecord:
        """The Hub's record of a space, asked once per client (again with ``fresh``: its stage may change).

        With a disk cache, a record another process kept is used while valid, if it says the space
        was running. Raises SpaceNotFoundError, AuthenticationError (private, without a token that
        can see it), or what reaching the Hub raises.
        """
        hub = self.url
        with self._lock:
            known = self._records.get((hub, space_id))
        if known is None and not fresh:
            known = self._load(hub, space_id)
        if known is not None and not fresh:
            return known
        try:
            answer = _to_hub(channel, hub).get_json(f"{hub}/api/spaces/{space_id}")
        except AuthenticationError as refused:
            raise _private(space_id, channel, refused) from refused
        except ProtocolError as failed:
            if failed.status_code == 404:
                raise SpaceNotFoundError(
                    f"There is no space {space_id!r} on {hub} (or it is private and no token was given). "
                    "Check the id on the space's page (owner/name).",
                    provider=space_id,
                    status_code=404,
                    url=failed.url,
                ) from failed
            raise
        record = _record(space_id, answer)
        with self._lock:
            self._records[(hub, space_id)] = record
        if self._cache is not None:
            self._cache.save(KIND, f"{hub} {space_id}", _answer(record))
        return record

    def _load(self, hub: str, space_id: str) -> HubRecord | None:
        saved = self._cache.load(KIND, f"{hub} {space_id}") if self._cache is not None else None
        if saved is None:
            return None
        try:
            record = _record(space_id, saved)
        except ProtocolError:
            return None
        if not record.running:
            return None  # a stage that may have changed since: ask
        with self._lock:
            return self._records.setdefault((hub, space_id), record)

    def provider_mapping(self, channel: Channel, repo: str) -> tuple[ProviderMapping, ...]:
        """Which Inference Providers serve the model ``repo``, in the caller's order of preference
        (``/api/models/{repo}?expand=inferenceProviderMapping``, asked with the token): asked once per
        client, and kept on disk for the next process like the spaces' records.

        Raises InvalidRequestError for a repository the Hub does not know, AuthenticationError when it
        refuses the token, ProtocolError for an answer of another shape, or what reaching it raises.
        """
        hub = self.url
        with self._lock:
            known = self._mappings.get((hub, repo))
        if known is None and self._cache is not None:
            saved = self._cache.load(MODELS_KIND, f"{hub} {repo}")
            with contextlib.suppress(ProtocolError):
                known = _mapping(repo, saved) if saved is not None else None
        if known is not None:
            return known
        url = f"{hub}/api/models/{repo}?expand=inferenceProviderMapping"
        try:
            answer = _to_hub(channel, hub).get_json(url)
        except ProtocolError as failed:
            if failed.status_code == 404:
                raise InvalidRequestError(
                    f"There is no model {repo!r} on {hub} (or it is private and the token cannot see it). Check "
                    "the id on the model's page (owner/name).",
                    provider="the Hub",
                    status_code=404,
                    url=failed.url,
                ) from failed
            raise
        raw = answer.get("inferenceProviderMapping") if isinstance(answer, dict) else None
        mapping = _mapping(repo, raw)
        with self._lock:
            self._mappings[(hub, repo)] = mapping
        if self._cache is not None:
            self._cache.save(MODELS_KIND, f"{hub} {repo}", raw)
        return mapping

    def zerogpu_quota(self, channel: Channel) -> ZeroGPUQuota:
        """The caller's ZeroGPU quota (``/api/spaces/zero-gpu/quota``); the channel must carry a token.

        Raises AuthenticationError when the Hub refuses the token (a fine-grained token needs the
        billing-read scope), ProtocolError for an answer of another shape.
        """
        hub = self.url
        try:
            answer = _to_hub(channel, hub).get_json(f"{hub}/api/spaces/zero-gpu/quota")
        except AuthenticationError as refused:
            raise AuthenticationError(
                f"The Hub refused to show the ZeroGPU quota for this token (HTTP {refused.status_code}): a "
                "fine-grained token needs the billing-read scope. Make one with it at "
                "https://huggingface.co/settings/tokens.",
                provider="the Hub",
                status_code=refused.status_code,
                url=refused.url,
            ) from refused
        with reading("the Hub", "a ZeroGPU quota"):
            used, total, resets = answer["current"], answer["base"], answer.get("resetsAt")
            if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in (used, total)):
                raise ProtocolError(f"The Hub's ZeroGPU quota is not in seconds: {answer!r:.200}", provider="the Hub")
            when = datetime.datetime.fromisoformat(resets.replace("Z", "+00:00")) if isinstance(resets, str) else None
            return ZeroGPUQuota(float(used), float(total), when)


def _checked(url: str, source: str) -> str:
    chosen = url.strip().rstrip("/")
    problem = url_problem(chosen)
    if problem is not None:
        raise InvalidRequestError(
            f"{source} must be an http(s) URL such as {DEFAULT_HUB}, without a user or password "
            f"({problem}); got {without_secrets(url)[:200]!r}."
        )
    return chosen


def _to_hub(channel: Channel, hub: str) -> Channel:
    """The channel, its token scoped to the Hub: Hugging Face's, or one the user chose (a mirror, a fake)."""
    if channel.credential is None:
        return channel
    scoped = Credential(channel.credential.token, own_origin=None if hub == DEFAULT_HUB else origin(hub))
    return dataclasses.replace(channel, credential=scoped)


def _private(space_id: str, channel: Channel, refused: AuthenticationError) -> AuthenticationError:
    if channel.credential is None:
        advice = (
            "it is private or gated: give a Hugging Face token that can see it, with token= "
            "(or Space(..., token=)) or the HF_TOKEN environment variable"
        )
    else:
        advice = "it is private or gated, and the token given cannot see it: use a token of an account with access"
    return AuthenticationError(
        f"The Hub refused to describe the space {space_id!r}: {advice}.",
        provider=space_id,
        status_code=refused.status_code,
        url=refused.url,
    )


def _record(space_id: str, answer: Any) -> HubRecord:
    with reading("the Hub", "a space record"):
        if not isinstance(answer, dict):
            raise ProtocolError(f"The Hub's record of {space_id!r} is not a JSON object.", provider=space_id)
        runtime = answer.get("runtime")
        runtime = runtime if isinstance(runtime, dict) else {}
        hardware = runtime.get("hardware")
        host = answer.get("host")
        return HubRecord(
            id=space_id,
            host=host.rstrip("/") if isinstance(host, str) and url_problem(host) is None else None,
            sdk=_text(answer.get("sdk")),
            private=answer.get("private") is True,
            stage=_text(runtime.get("stage")),
            hardware=_text(hardware.get("current") if isinstance(hardware, dict) else hardware),
        )


def _mapping(repo: str, raw: Any) -> tuple[ProviderMapping, ...]:
    """The entries of an ``inferenceProviderMapping``: an object by provider (a model's page), or a list
    with a ``provider`` key (a list of models); entries of another shape are left out."""
    with reading("the Hub", "an Inference Providers mapping"):
        if raw is None:
            return ()
        if isinstance(raw, dict):
            items = [{**value, "provider": name} for name, value in raw.items() if isinstance(value, dict)]
        elif isinstance(raw, list):
            items = [item for item in raw if isinstance(item, dict)]
        else:
            raise ProtocolError(f"The Hub's Inference Providers mapping of {repo!r} is neither an object nor a list.")
        return tuple(
            ProviderMapping(
                item["provider"],
                item["providerId"],
                item.get("status"),
                item.get("task"),
                item["adapter"] if isinstance(item.get("adapter"), str) else None,
            )
            for item in items
            if all(isinstance(item.get(key), str) and item[key] for key in ("provider", "providerId"))
        )


def _answer(record: HubRecord) -> dict[str, Any]:
    """``record`` in the shape of the Hub's answer, as the disk cache keeps it."""
    runtime = {"stage": record.stage, "hardware": {"current": record.hardware}}
    return {"host": record.host, "sdk": record.sdk, "private": record.private, "runtime": runtime}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def check_usable(record: HubRecord) -> None:
    """Raise the typed error for a space hfimage cannot call: not Gradio, or not running."""
    if record.sdk is not None and record.sdk.lower() != "gradio":
        raise NotAGradioSpaceError(
            f"{record.id} is a {record.sdk} space, not a Gradio app: hfimage can only drive Gradio spaces. "
            "Use another space.",
            provider=record.id,
        )
    if not record.running:
        stage = record.stage or "unknown"
        advice = _STAGE_ADVICE.get(stage, "is not running")
        raise SpaceNotRunningError(f"{record.id} {advice} (stage {stage}).", provider=record.id, stage=stage)
