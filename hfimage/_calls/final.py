"""The final image of a call's events."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..errors import ProtocolError
from ..results import Event, Image

EventCallback = Callable[[Event], object]


def final_image(events: Iterable[Event], on_event: EventCallback | None = None) -> Image:
    """The final ``Image`` of a call's events, handing each event to ``on_event`` first."""
    final = FinalImage()
    for event in events:
        if on_event is not None:
            on_event(event)
        final.see(event)
    return final.image()


class FinalImage:
    """Keeps the final image of a call's events (sync or async), and says so when there was none."""

    def __init__(self) -> None:
        self._image: Image | None = None

    def see(self, event: Event) -> None:
        if isinstance(event, Image):
            self._image = event

    def image(self) -> Image:
        if self._image is None:  # the events end with an Image or raise; this guards the contract
            raise ProtocolError("The call ended without an image.")
        return self._image
