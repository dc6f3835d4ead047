"""Renderers: how each kind of outbox message becomes text at send time.

The app that causes a kind of message registers its renderer in its own
``messages.py`` (discovered at start-up, see ``apps.py``)::

    @registry.register("meeting_reminder", prepare=load_meetings)
    def render(message: OutgoingMessage) -> Rendered | None: ...

The renderer reads what it needs from the ids in ``message.params`` and
renders in the recipient's language. It returns ``None`` when the message is
no longer wanted (the meeting was deleted, the offer expired); the outbox then
marks the row cancelled instead of sending it.

``prepare`` is optional: it is called once per batch with all the batch's
messages whose kind registered that same function, before any of them is
rendered, so that it can load what they need in a fixed number of queries
(and keep it on the messages). Kinds that share a ``prepare`` share its
queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
Prepare = Callable[[list["OutgoingMessage"]], None]

_renderers: dict[str, Renderer] = {}
_prepares: dict[str, Prepare] = {}


def register(kind: str, *, prepare: Prepare | None = None) -> Callable[[Renderer], Renderer]:
    """Register the renderer of ``kind`` (and, optionally, its batch loader)."""

    def decorator(fn: Renderer) -> Renderer:
        if kind in _renderers and _renderers[kind] is not fn:
            raise ValueError(f"a renderer for {kind!r} is already registered")
        _renderers[kind] = fn
        if prepare is not None:
            _prepares[kind] = prepare
        return fn

    return decorator


def kinds() -> list[str]:
    return sorted(_renderers)


def renderer_for(kind: str) -> Renderer:
    try:
        return _renderers[kind]
    except KeyError:
        raise LookupError(f"no renderer registered for {kind!r}") from None


def prepare(messages: Iterable[OutgoingMessage]) -> None:
    """Run each registered ``prepare`` once, with the messages of the kinds that share it."""
    batches: dict[Prepare, list[OutgoingMessage]] = {}
    for message in messages:
        hook = _prepares.get(message.kind)
        if hook is not None:
            batches.setdefault(hook, []).append(message)
    for hook, wanted in batches.items():
        hook(wanted)
