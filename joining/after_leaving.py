"""Where a member goes right after leaving a group.

The leave view is this app's; an app above it (``feedback``) may offer a page
to the member who has just left, which this app cannot import. A hook is a
function of the ended membership that returns a URL or None; the first URL
wins, and without one the member lands on their list of groups.
"""

from __future__ import annotations

from collections.abc import Callable

from groups.models import Membership

Hook = Callable[[Membership], str | None]

_hooks: list[Hook] = []


def register(hook: Hook) -> None:
    """Register ``hook``; registering the same function again does nothing."""
    if hook not in _hooks:
        _hooks.append(hook)


def url_after_leaving(membership: Membership) -> str | None:
    """The first URL a hook offers for ``membership``, or None."""
    for hook in _hooks:
        url = hook(membership)
        if url:
            return url
    return None
