"""The outbox messages about meetings: reminders, cancellations, moves.

Registered with ``notifications.registry`` (this module is discovered at
start-up). The three kinds share one ``prepare``: a batch loads its meetings
and the recipients' memberships in two queries, whatever its size, and a
reminder is rendered once per meeting and language, with each member's name
and absence link put in afterwards. Subjects and SMS texts name a time and a
link, never the group.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groups.models import Group, Membership
from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import Rendered
from notifications.render import email, param, when

from .links import absence_url
from .models import Meeting

KINDS = ("meeting_reminder", "meeting_cancelled", "meeting_moved")


def prepare(messages: list[OutgoingMessage]) -> None:
    """Load the meetings and memberships a batch of meeting messages needs, in two queries.

    Each message gets ``_meeting`` and ``_membership`` (``None`` when gone);
    the renderers then ask the database nothing more per message. The
    messages also share ``_parts``, where renderers keep what is the same for
    every member of a meeting in one language (see ``_ReminderParts``).
    """
    wanted = [m for m in messages if m.kind in KINDS]
    if not wanted:
        return
    meetings = Meeting.objects.select_related("group").in_bulk(
        {param(m, "meeting") for m in wanted} - {0}
    )
    pairs = {
        (mt.group_id, m.recipient_id) for m in wanted if (mt := meetings.get(param(m, "meeting")))
    }
    memberships = {
        (ms.group_id, ms.user_id): ms
        for ms in Membership.objects.active()
        .filter(group_id__in={g for g, _u in pairs}, user_id__in={u for _g, u in pairs})
        .select_related("reminder_opt_out")
    }
    parts: dict[tuple[Any, ...], Any] = {}
    for message in wanted:
        message._parts = parts  # type: ignore[attr-defined]
        meeting = meetings.get(param(message, "meeting"))
        message._meeting = meeting  # type: ignore[attr-defined]
        message._membership = (  # type: ignore[attr-defined]
            memberships.get((meeting.group_id, message.recipient_id or 0)) if meeting else None
        )


def _meeting_and_membership(message: OutgoingMessage) -> tuple[Any, Any] | None:
    if not hasattr(message, "_meeting"):
        prepare([message])
    meeting = message._meeting  # type: ignore[attr-defined]
    membership = message._membership  # type: ignore[attr-defined]
    if meeting is None or meeting.group.state not in Group.State.MEETING or membership is None:
        return None
    return meeting, membership


def message_link(meeting_id: int) -> str:
    """A link that names no group: it leads members to the meeting after login."""
    return settings.SITE_URL + reverse("meetings:message_link", kwargs={"pk": meeting_id})


# The parts of a reminder that differ per member are put in afterwards, in one
# pass, so that a name can never be read as a placeholder.
_SLOT = re.compile(r"@@selvhjelp-(name|absence)@@")


class _Slots:
    """Stands in for the recipient while the shared parts are rendered."""

    display_name = "@@selvhjelp-name@@"


@dataclass(frozen=True)
class _ReminderParts:
    """A meeting's reminder in one language, with slots for name and absence link."""

    subject: str
    url: str
    text: str
    html: str
    sms: str

    def fill(self, *, name: str, absence: str) -> Rendered:
        plain = {"name": name, "absence": absence}
        html = {"name": escape(name), "absence": escape(absence)}
        return Rendered(
            subject=self.subject,
            text=_SLOT.sub(lambda m: plain[m.group(1)], self.text),
            html=_SLOT.sub(lambda m: html[m.group(1)], self.html),
            sms=_SLOT.sub(lambda m: plain[m.group(1)], self.sms),
            url=self.url,
        )


def _reminder_parts(meeting: Meeting) -> _ReminderParts:
    at = when(meeting.starts_at)
    if at["day"] == "today":
        subject = _("Reminder: group meeting today at %(time)s") % at
    elif at["day"] == "tomorrow":
        subject = _("Reminder: group meeting tomorrow at %(time)s") % at
    else:
        subject = _("Reminder: group meeting %(date)s at %(time)s") % at
    url = message_link(meeting.pk)
    absence = "@@selvhjelp-absence@@"
    sms = "{subject}\n{url}\n{cannot} {absence}".format(
        subject=subject, url=url, cannot=_("Cannot come?"), absence=absence
    )
    rendered = email(
        subject=subject,
        template="meeting_reminder",
        html="emails/meeting_reminder.html",
        context={"when": at, "full_url": url, "absence_url": absence, "user": _Slots()},
        sms=sms,
    )
    return _ReminderParts(subject, url, rendered.text, rendered.html, sms)


@registry.register("meeting_reminder", prepare=prepare)
def render_meeting_reminder(message: OutgoingMessage) -> Rendered | None:
    """Rendered once per meeting and language in a batch; name and link filled in per member."""
    found = _meeting_and_membership(message)
    if found is None:
        return None
    meeting, membership = found
    if meeting.is_cancelled or meeting.has_started():
        return None
    try:
        membership.reminder_opt_out  # noqa: B018 (loaded with the membership)
    except ObjectDoesNotExist:
        pass
    else:
        return None
    shared: dict[tuple[Any, ...], Any] = getattr(message, "_parts", {})
    key = ("meeting_reminder", meeting.pk, get_language())
    parts = shared.get(key)
    if parts is None:
        parts = shared[key] = _reminder_parts(meeting)
    user = message.recipient
    return parts.fill(
        name=user.display_name if user is not None else "",
        absence=absence_url(membership=membership, meeting=meeting),
    )


@registry.register("meeting_cancelled", prepare=prepare)
def render_meeting_cancelled(message: OutgoingMessage) -> Rendered | None:
    found = _meeting_and_membership(message)
    if found is None:
        return None
    meeting, _membership = found
    if not meeting.is_cancelled or meeting.has_started():
        return None
    at = when(meeting.starts_at)
    subject = _("Selvhjelp: the group meeting %(date)s at %(time)s is cancelled") % at
    url = message_link(meeting.pk)
    return email(
        subject=subject,
        template="meeting_cancelled",
        context={"when": at, "full_url": url, "user": message.recipient},
        sms=f"{subject}\n{url}",
    )


@registry.register("meeting_moved", prepare=prepare)
def render_meeting_moved(message: OutgoingMessage) -> Rendered | None:
    found = _meeting_and_membership(message)
    if found is None:
        return None
    meeting, _membership = found
    if meeting.is_cancelled or meeting.has_started():
        return None
    at = when(meeting.starts_at)
    subject = _("Selvhjelp: a group meeting has moved to %(date)s at %(time)s") % at
    url = message_link(meeting.pk)
    return email(
        subject=subject,
        template="meeting_moved",
        context={"when": at, "full_url": url, "user": message.recipient},
        sms=f"{subject}\n{url}",
    )
