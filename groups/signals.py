"""What the groups app announces about a group, for the apps above it.

Sent only after the change has committed (``transaction.on_commit``), with
ids and state names only, so that receivers read the committed row and the
groups app needs to know nobody who listens. ``meetings`` listens to both to
keep a group's stored meetings in line with its state and schedule.

Every path that changes a group's state or schedule announces it: the
lifecycle transitions (``lifecycle.py``), the set-up form (``services.py``)
and the admin (``admin.py``). The meetings app's own schedule form
regenerates the meetings itself, in its transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from .models import Group

# The fields of a group's regular meeting time.
SCHEDULE_FIELDS = ("weekday", "start_time", "duration_minutes", "cadence", "custom_days")

#: A group's lifecycle state changed. Arguments: ``group_id``, ``previous``, ``state``.
group_state_changed = Signal()

#: A group's regular meeting time changed. Arguments: ``group_id``.
schedule_changed = Signal()


def announce_state_change(*, group: Group, previous: str) -> None:
    """Send ``group_state_changed`` once the current transaction commits."""
    group_id, state = group.pk, group.state
    transaction.on_commit(
        lambda: group_state_changed.send(
            sender=Group, group_id=group_id, previous=previous, state=state
        )
    )


def announce_schedule_change(*, group: Group) -> None:
    """Send ``schedule_changed`` once the current transaction commits."""
    group_id = group.pk
    transaction.on_commit(lambda: schedule_changed.send(sender=Group, group_id=group_id))
