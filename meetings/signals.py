"""Keep the stored meetings in line when a group starts, pauses, resumes or reschedules.

The groups app announces a new state or meeting time once it has committed
(``groups.signals``); the receiver here regenerates that group's future
meetings. Nothing watches the ``Group`` model itself: loading or saving a
group row does no work here.
"""

from __future__ import annotations

from typing import Any

from .services import meetings_materialise


def regenerate(sender: Any, group_id: int, **kwargs: Any) -> None:
    meetings_materialise(group_id=group_id)
