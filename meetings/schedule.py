"""Occurrences of a group's schedule, in Oslo wall-clock time.

The rule is expanded with ``dateutil.rrule`` on naive local times and each
occurrence is then placed in ``Europe/Oslo``: a group that meets at 18:00
meets at 18:00 in summer and in winter, and only the UTC offset changes.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule

from groups.models import Group

OSLO = ZoneInfo("Europe/Oslo")
RRULE_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def local(value: datetime.datetime) -> datetime.datetime:
    """An aware datetime as Oslo wall-clock time (naive)."""
    return value.astimezone(OSLO).replace(tzinfo=None)


def aware(wall_clock: datetime.datetime) -> datetime.datetime:
    """An Oslo wall-clock time as an aware datetime.

    A time that does not exist (the hour skipped in March) is moved forward
    by the gap, as clocks do; an ambiguous one (October) takes the first.
    """
    value = wall_clock.replace(tzinfo=OSLO, fold=0)
    return value.astimezone(datetime.UTC).astimezone(OSLO)


def schedule_rule(group: Group, *, anchor: datetime.date) -> rrule.rrule:
    """The group's rule as an rrule over naive Oslo wall-clock times."""
    interval = 2 if group.cadence == Group.Cadence.FORTNIGHTLY else 1
    return rrule.rrule(
        rrule.WEEKLY,
        interval=interval,
        byweekday=[RRULE_DAYS[day] for day in group.meeting_weekdays],
        dtstart=datetime.datetime.combine(monday_of(anchor), group.start_time),
        wkst=rrule.MO,
    )


def occurrences(
    group: Group,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    anchor: datetime.date | None = None,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(start, end) of every scheduled meeting that starts in [start, end), aware."""
    anchor = anchor or group.schedule_anchor or local(start).date()
    rule = schedule_rule(group, anchor=anchor)
    duration = datetime.timedelta(minutes=group.duration_minutes)
    found = []
    for wall_clock in rule.between(local(start), local(end), inc=True):
        begins = aware(wall_clock)
        if start <= begins < end:
            found.append((begins, aware(wall_clock + duration)))
    return found


def schedule_details(data: dict[str, Any]) -> dict[str, Any]:
    """A meeting time as a proposal keeps it: plain values (``decisions.Proposal.details``)."""
    return {
        "weekday": int(data["weekday"]),
        "start_time": data["start_time"].isoformat(timespec="minutes"),
        "duration_minutes": int(data["duration_minutes"]),
        "cadence": str(data["cadence"]),
        "custom_days": str(data["custom_days"]),
    }


def schedule_from_details(details: dict[str, Any]) -> dict[str, Any]:
    """The other way round: what ``services.schedule_change`` takes."""
    return {
        "weekday": int(details["weekday"]),
        "start_time": datetime.time.fromisoformat(details["start_time"]),
        "duration_minutes": int(details["duration_minutes"]),
        "cadence": details["cadence"],
        "custom_days": details.get("custom_days", ""),
    }
