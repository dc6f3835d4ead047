"""The group's inside page, made of what each app has to show there.

The page itself is this app's (``views.group_inside``); the meetings and who
has signed the pledge belong to apps above this one, which it cannot import.
Each of them registers its part of the page's context at start-up:
``meetings/apps.py`` the next and recent meetings, the count of meetings held
and the step-back nudge; ``pledges/apps.py`` who has signed. A part is a
function of the group and the viewer's membership that returns template
variables; two parts may not give the same name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Group, Membership

Part = Callable[[Group, Membership], dict[str, Any]]

_parts: dict[str, Part] = {}


def register(name: str, part: Part) -> None:
    """Register ``part`` under ``name`` (an app label); registering again replaces it."""
    _parts[name] = part


def parts_context(*, group: Group, membership: Membership) -> dict[str, Any]:
    """Every registered part's variables, merged."""
    context: dict[str, Any] = {}
    for name, part in sorted(_parts.items()):
        variables = part(group, membership)
        clash = context.keys() & variables.keys()
        if clash:
            raise ValueError(f"the inside page part {name!r} gives {sorted(clash)} again")
        context.update(variables)
    return context
