"""Writes of a contact point's information meetings.

An information meeting is public: its row holds a time, a place and a
short description, nothing about a person. The audit rows name the
meeting and, for a change, the names of the fields that changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from places.models import Kommune

from .models import ContactPoint, InformationMeeting

# Longer than this is a course, not an information meeting: most likely a typing mistake.
LONGEST = datetime.timedelta(hours=12)


@dataclass(frozen=True)
class InformationMeetingDetails:
    """What the contact point's staff write about one information meeting."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    kommune: Kommune
    description: str
    is_digital: bool = False
    place: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "starts_at": self.starts_at,
            "ends_at": self.ends_at,
            "kommune": self.kommune,
            "description": self.description.strip(),
            "is_digital": self.is_digital,
            # A digital meeting has no place (the database holds to it too).
            "place": "" if self.is_digital else " ".join(self.place.split()),
        }


def _check(details: InformationMeetingDetails) -> None:
    """The rules a time and a place must follow; the message says what to do."""
    if details.ends_at <= details.starts_at:
        raise DomainError(_("The meeting must end after it starts."), code="end_before_start")
    if details.ends_at - details.starts_at > LONGEST:
        raise DomainError(
            _("An information meeting lasts at most 12 hours. Check the times."),
            code="too_long",
        )
    if details.starts_at <= timezone.now():
        raise DomainError(_("Choose a time that has not passed yet."), code="past")
    if not details.is_digital and not details.place.strip():
        raise DomainError(_("Write where the meeting is, or mark it as digital."), code="no_place")
    if not details.description.strip():
        raise DomainError(_("Write a few words about the meeting."), code="no_description")


@transaction.atomic
def information_meeting_publish(
    *, contact_point: ContactPoint, actor: Any, details: InformationMeetingDetails
) -> InformationMeeting:
    """The contact point's staff publish an information meeting; it is public at once."""
    _check(details)
    meeting = InformationMeeting.objects.create(contact_point=contact_point, **details.fields())
    audit(
        actor=actor,
        event=AuditEvent.Event.INFORMATION_MEETING_PUBLISHED,
        target=meeting,
        data={"contact_point": contact_point.pk},
    )
    return meeting


@transaction.atomic
def information_meeting_update(
    *, meeting: InformationMeeting, actor: Any, details: InformationMeetingDetails
) -> InformationMeeting:
    """The staff change an upcoming meeting; a cancelled or past one stays as it was."""
    locked = InformationMeeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.cancelled_at is not None:
        raise DomainError(_("A cancelled meeting cannot be changed."), code="cancelled")
    if locked.ends_at <= timezone.now():
        raise DomainError(_("This meeting is over."), code="over")
    _check(details)
    new = details.fields()
    changed = [name for name, value in new.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, new[name])
    locked.change_count += 1
    locked.save(update_fields=[*changed, "change_count"])
    audit(
        actor=actor,
        event=AuditEvent.Event.INFORMATION_MEETING_CHANGED,
        target=locked,
        data={"fields": changed},
    )
    return locked


@transaction.atomic
def information_meeting_cancel(*, meeting: InformationMeeting, actor: Any) -> InformationMeeting:
    """The staff cancel a meeting. It stays on its page, marked as cancelled."""
    locked = InformationMeeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.cancelled_at is not None:
        raise DomainError(_("This meeting is already cancelled."), code="no_change")
    if locked.ends_at <= timezone.now():
        raise DomainError(_("This meeting is over."), code="over")
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["cancelled_at"])
    audit(actor=actor, event=AuditEvent.Event.INFORMATION_MEETING_CANCELLED, target=locked)
    return locked
