"""Running a plan: each provider in turn until one makes the image, its outputs turned into events."""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator, Sequence
from typing import Any

from .._core.deadline import Deadline
from .._core.imagetype import HEAD_BYTES, pixel_size
from .._http.call import CallContext, ImageSource
from .._protocols.gradio.directory import AppDirectory
from .._protocols.hub import Hub
from .._protocols.output import Failed, Output
from ..errors import (
    NETWORK_REASONS,
    AllProvidersFailedError,
    AllProvidersOutOfQuotaError,
    Attempt,
    AuthenticationError,
    CallCancelledError,
    ConnectionError,
    HFImageError,
    InvalidRequestError,
    NoProviderReachableError,
    ProtocolError,
    QuotaExceededError,
)
from ..providers import Job, Provider, RunContext
from ..results import Event, Image, Preview, with_content
from .plan import Plan
from .rests import Rests

log = logging.getLogger("hfimage")


def run_plan(plan: Plan, call: CallContext, apps: AppDirectory, hub: Hub, rests: Rests) -> Iterator[Event]:
    """The events of the first provider that makes the image, its ``Image`` last; a failure that the
    next provider may not share moves on to it. Raises the one provider's error when there is one,
    else AllProvidersFailedError naming each attempt (and each provider left to rest)."""
    deadline, cancellation = call.deadline, call.cancellation
    attempts: list[Attempt] = []
    resting: list[Attempt] = []
    for provider, model_name, job in plan.steps:
        if cancellation is not None:
            cancellation.check()
        credential = provider.credential(call.token)
        context = RunContext(call.channel(provider.name, credential), apps, hub, plan.protocol)
        rest = rests.rest(provider, call.token, context) if len(plan.steps) > 1 else None
        if rest is not None:
            resting.append(Attempt(provider.name, rest))
            continue
        source = call.image_source(provider.name, credential)
        fields: dict[str, Any] = {
            "prompt": plan.request.prompt,
            "negative_prompt": plan.request.negative_prompt,
            "model": model_name,
            "provider": provider.name,
            "_source": source,
        }
        before = len(attempts)
        try:
            if (yield from _attempt(provider, job, context, fields, attempts, deadline)):
                return
            continue  # each provider behind it failed, and is recorded: on to the next step
        except InvalidRequestError:
            raise
        except (HFImageError, Exception) as caught:
            if isinstance(caught, CallCancelledError):
                raise
            error = caught if isinstance(caught, HFImageError) else _unexpected(caught, provider.name)
            attempts.append(Attempt(provider.name, error))
            if isinstance(error, QuotaExceededError):
                rests.remember(provider, call.token, error)
            ends = isinstance(error, AuthenticationError) and provider.ends_call_on_authentication
            alone = len(plan.steps) == 1 and len(attempts) == before + 1
            if alone or deadline.expired or ends:
                if error is caught:
                    raise
                raise error from caught
            log.info("%s failed (%s); trying the next provider", provider.name, type(error).__name__)
    raise all_failed(attempts + resting)


def _attempt(
    provider: Provider,
    job: Job,
    context: RunContext,
    fields: dict[str, Any],
    attempts: list[Attempt],
    deadline: Deadline,
) -> Generator[Event, None, bool]:
    """One provider's events, its final ``Image`` last; True once it made it, False when every provider
    behind it failed (each recorded in ``attempts``). Raises what the provider raises."""
    failed_within = False
    source = fields["_source"]
    for output in provider.run(job, context):
        if isinstance(output, Failed):
            attempts.append(Attempt(output.provider, output.error))
            failed_within = True
            log.info("%s failed (%s); trying the next", output.provider, type(output.error).__name__)
        elif not isinstance(output, Output):
            yield output
        elif not output.final:
            yield _picture(output, fields, source)
        else:
            done = (*attempts, Attempt(output.provider or provider.name))
            yield _picture(output, fields, source, elapsed=deadline.elapsed, attempts=done)
            return True
    if failed_within:
        return False
    raise ProtocolError(f"{provider.name} finished without an image.", provider=provider.name)


def _pixel_size(content: bytes, provider: str) -> tuple[int, int]:
    """The size of an image whose size only the image can say (an edit, a ratio, an app without size inputs)."""
    size = pixel_size(content[:HEAD_BYTES])
    if size is None:
        raise ProtocolError(
            f"{provider} sent an image whose size hfimage cannot read (it starts with {content[:8]!r}): it is "
            "truncated or not an image. Try again, or use another provider.",
            provider=provider,
        )
    return size


def _picture(
    output: Output,
    fields: dict[str, Any],
    source: ImageSource,
    *,
    elapsed: float | None = None,
    attempts: tuple[Attempt, ...] = (),
) -> Preview | Image:
    """The event for an image a provider sent: a preview, or the final image once ``elapsed`` is given.
    An image whose size only it can say is downloaded (once: it keeps its bytes) to read the size."""
    made = {**fields, "url": output.url, "seed": output.seed, "width": output.width, "height": output.height}
    made["provider"] = output.provider or fields["provider"]
    content = output.content
    if content is None and (output.width is None or output.height is None):
        content = source.read(output.url)
    if content is not None and (output.width is None or output.height is None):
        made.update(zip(("width", "height"), _pixel_size(content, made["provider"]), strict=True))
    picture = Preview(**made) if elapsed is None else Image(elapsed=elapsed, attempts=attempts, **made)
    return picture if content is None else with_content(picture, content)


def _unexpected(exc: Exception, provider: str) -> HFImageError:
    """A failure hfimage did not foresee, as a failed attempt that the next provider can recover from."""
    return ProtocolError(
        f"{provider}: hfimage could not handle what it sent ({type(exc).__name__}: {exc}). "
        "Another provider may work; please report this to hfimage.",
        provider=provider,
    )


def all_failed(attempts: Sequence[Attempt]) -> AllProvidersFailedError:
    """The error for a call whose providers all failed: one that is also the common cause, if any."""
    errors = [attempt.error for attempt in attempts]
    causes = _causes(attempts)
    if all(isinstance(error, ConnectionError) for error in errors):
        reasons = {getattr(error, "reason", None) for error in errors}
        reason = reasons.pop() if len(reasons) == 1 else None
        if reason in NETWORK_REASONS:
            _, what, advice = NETWORK_REASONS[reason]
            names = ", ".join(dict.fromkeys(attempt.provider for attempt in attempts))
            message = f"No provider could be reached ({names}): {what}. {advice}"
            return NoProviderReachableError(message, attempts=attempts, reason=reason)
        return NoProviderReachableError(f"No provider could be reached. {causes}", attempts=attempts)
    if all(isinstance(error, QuotaExceededError) for error in errors):
        return AllProvidersOutOfQuotaError(f"Every provider is out of GPU quota. {causes}", attempts=attempts)
    return AllProvidersFailedError(f"All {len(attempts)} providers failed. {causes}", attempts=attempts)


def _causes(attempts: Sequence[Attempt]) -> str:
    """Each attempt's error, labelled with its provider; what several providers met alike is said once,
    naming them all (five ZeroGPU spaces resting for one quota make one clause, not five)."""
    alike: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        message = str(attempt.error)
        body = message.removeprefix(attempt.provider).removeprefix(":").strip()
        alike.setdefault(body if message.startswith(attempt.provider) else message, []).append(attempt)
    return "; ".join(
        _labelled(group[0]) if len(group) == 1 else f"{', '.join(dict.fromkeys(a.provider for a in group))}: {body}"
        for body, group in alike.items()
    )


def _labelled(attempt: Attempt) -> str:
    message = str(attempt.error)
    return message if message.startswith(attempt.provider) else f"{attempt.provider}: {message}"
