"""Renderers: how each kind of outbox message becomes text at send time.

An app registers one renderer per ``kind``::

    @registry.register("meeting_reminder")
    def render(message: OutgoingMessage) -> Rendered | None: ...

The renderer reads what it needs from the ids in ``message.params`` and
renders in the recipient's language. It returns ``None`` when the message is
no longer wanted (the meeting was deleted, the offer expired); the outbox then
marks the row cancelled instead of sending it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import OutgoingMessage


@dataclass(frozen=True)
class Rendered:
    """One message, ready to send.

    ``subject`` and ``sms`` are what an inbox list or a lock screen shows:
    they are neutral and never name a group, its theme or its description.
    """

    subject: str
    text: str
    html: str = ""
    sms: str = ""
    url: str = ""


Renderer = Callable[["OutgoingMessage"], "Rendered | None"]

_renderers: dict[str, Renderer] = {}


def register(kind: str) -> Callable[[Renderer], Renderer]:
    def decorator(fn: Renderer) -> Renderer:
        if kind in _renderers and _renderers[kind] is not fn:
            raise ValueError(f"a renderer for {kind!r} is already registered")
        _renderers[kind] = fn
        return fn

    return decorator


def kinds() -> list[str]:
    return sorted(_renderers)


def renderer_for(kind: str) -> Renderer:
    try:
        return _renderers[kind]
    except KeyError:
        raise LookupError(f"no renderer registered for {kind!r}") from None
