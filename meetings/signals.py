"""Keep the stored meetings in line when a group starts, pauses, resumes or reschedules.

Lifecycle transitions and set-up edits save the group row in several
places; rather than have each of them remember the meetings, the row's
schedule and state are compared before and after the save, and a change
regenerates the group's future meetings once the transaction commits.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from groups.models import Group

WATCHED = ("state", "weekday", "start_time", "duration_minutes", "cadence", "custom_days")


def _snapshot(instance: Group) -> tuple[Any, ...]:
    # Read from __dict__ so that a deferred field does not cost a query.
    return tuple(instance.__dict__.get(name) for name in WATCHED)


def remember_schedule(sender: type[Group], instance: Group, **kwargs: Any) -> None:
    instance._meetings_snapshot = _snapshot(instance)  # type: ignore[attr-defined]


def schedule_saved(
    sender: type[Group], instance: Group, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    before = getattr(instance, "_meetings_snapshot", None)
    after = _snapshot(instance)
    instance._meetings_snapshot = after  # type: ignore[attr-defined]
    if not created and before == after:
        return
    group_id = instance.pk

    def materialise() -> None:
        from .services import meetings_materialise

        meetings_materialise(group_id=group_id)

    transaction.on_commit(materialise)
