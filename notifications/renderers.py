"""One renderer per kind of message (see ``registry``).

Renderers read what they need from the ids in ``params`` at send time, in
the recipient's language (the sender sets it), and return ``None`` when the
message is no longer wanted. Subjects and SMS texts are neutral: a time and
a link, never a group's name, theme or description.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import OutgoingMessage
from .registry import Rendered, register

OSLO = ZoneInfo("Europe/Oslo")


def _html(text_template: str, context: dict[str, Any], html_template: str | None = None) -> str:
    if html_template:
        return render_to_string(html_template, context)
    return render_to_string(
        "notifications/email.html",
        {"text": render_to_string(text_template, context), "url": context.get("url", "")},
    )


def _email(
    *, subject: str, template: str, context: dict[str, Any], html: str | None = None, sms: str = ""
) -> Rendered:
    context = {"site_url": settings.SITE_URL, **context}
    return Rendered(
        subject=subject,
        text=render_to_string(f"emails/{template}.txt", context),
        html=_html(f"emails/{template}.txt", context, html),
        sms=sms,
        url=context.get("full_url", ""),
    )


def _param(message: OutgoingMessage, name: str) -> int:
    """An id from ``params``; 0 (which matches no row) when it is missing."""
    value = message.params.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# --- Meetings -------------------------------------------------------------------


def _when(starts_at: datetime.datetime, now: datetime.datetime | None = None) -> dict[str, str]:
    local = starts_at.astimezone(OSLO)
    today = (now or timezone.now()).astimezone(OSLO).date()
    time = local.strftime("%H:%M")
    date = formats.date_format(local, "l j. F")
    if local.date() == today:
        day = "today"
    elif local.date() == today + datetime.timedelta(days=1):
        day = "tomorrow"
    else:
        day = "other"
    return {"time": time, "date": date, "day": day}


MEETING_KINDS = ("meeting_reminder", "meeting_cancelled", "meeting_moved")


def prepare(messages: list[OutgoingMessage]) -> None:
    """Load the meetings and memberships a batch of meeting messages needs, in two queries.

    Each message gets ``_meeting`` and ``_membership`` (``None`` when gone);
    the renderers then ask the database nothing more per message. The
    messages also share ``_parts``, where renderers keep what is the same for
    every member of a meeting in one language (see ``_ReminderParts``).
    """
    from groups.models import Membership
    from meetings.models import Meeting

    wanted = [m for m in messages if m.kind in MEETING_KINDS]
    if not wanted:
        return
    meetings = Meeting.objects.select_related("group").in_bulk(
        {_param(m, "meeting") for m in wanted} - {0}
    )
    pairs = {
        (mt.group_id, m.recipient_id) for m in wanted if (mt := meetings.get(_param(m, "meeting")))
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
        meeting = meetings.get(_param(message, "meeting"))
        message._meeting = meeting  # type: ignore[attr-defined]
        message._membership = (  # type: ignore[attr-defined]
            memberships.get((meeting.group_id, message.recipient_id or 0)) if meeting else None
        )


def _meeting_and_membership(message: OutgoingMessage) -> tuple[Any, Any] | None:
    from meetings.models import MEETING_STATES

    if not hasattr(message, "_meeting"):
        prepare([message])
    meeting = message._meeting  # type: ignore[attr-defined]
    membership = message._membership  # type: ignore[attr-defined]
    if meeting is None or meeting.group.state not in MEETING_STATES or membership is None:
        return None
    return meeting, membership


def meeting_link(meeting_id: int) -> str:
    """A link that names no group: it leads members to the meeting after login."""
    return settings.SITE_URL + reverse("notifications:meeting", kwargs={"pk": meeting_id})


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


def _reminder_parts(meeting: Any) -> _ReminderParts:
    when = _when(meeting.starts_at)
    if when["day"] == "today":
        subject = _("Reminder: group meeting today at %(time)s") % when
    elif when["day"] == "tomorrow":
        subject = _("Reminder: group meeting tomorrow at %(time)s") % when
    else:
        subject = _("Reminder: group meeting %(date)s at %(time)s") % when
    url = meeting_link(meeting.pk)
    absence = "@@selvhjelp-absence@@"
    sms = "{subject}\n{url}\n{cannot} {absence}".format(
        subject=subject, url=url, cannot=_("Cannot come?"), absence=absence
    )
    rendered = _email(
        subject=subject,
        template="meeting_reminder",
        html="emails/meeting_reminder.html",
        context={"when": when, "full_url": url, "absence_url": absence, "user": _Slots()},
        sms=sms,
    )
    return _ReminderParts(subject, url, rendered.text, rendered.html, sms)


@register("meeting_reminder")
def render_meeting_reminder(message: OutgoingMessage) -> Rendered | None:
    """Rendered once per meeting and language in a batch; name and link filled in per member."""
    from meetings.links import absence_url

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


@register("meeting_cancelled")
def render_meeting_cancelled(message: OutgoingMessage) -> Rendered | None:
    found = _meeting_and_membership(message)
    if found is None:
        return None
    meeting, _membership = found
    if not meeting.is_cancelled or meeting.has_started():
        return None
    when = _when(meeting.starts_at)
    subject = _("Selvhjelp: the group meeting %(date)s at %(time)s is cancelled") % when
    url = meeting_link(meeting.pk)
    return _email(
        subject=subject,
        template="meeting_cancelled",
        context={"when": when, "full_url": url, "user": message.recipient},
        sms=f"{subject}\n{url}",
    )


@register("meeting_moved")
def render_meeting_moved(message: OutgoingMessage) -> Rendered | None:
    found = _meeting_and_membership(message)
    if found is None:
        return None
    meeting, _membership = found
    if meeting.is_cancelled or meeting.has_started():
        return None
    when = _when(meeting.starts_at)
    subject = _("Selvhjelp: a group meeting has moved to %(date)s at %(time)s") % when
    url = meeting_link(meeting.pk)
    return _email(
        subject=subject,
        template="meeting_moved",
        context={"when": when, "full_url": url, "user": message.recipient},
        sms=f"{subject}\n{url}",
    )


# --- Joining ----------------------------------------------------------------------


@register("join_request")
def render_join_request(message: OutgoingMessage) -> Rendered | None:
    """To whoever decides on a join request: the initiator, or every member (consent)."""
    from joining.models import JoinRequest

    join_request = (
        JoinRequest.objects.select_related("group")
        .filter(pk=_param(message, "join_request"), status=JoinRequest.Status.PENDING)
        .first()
    )
    if join_request is None:
        return None
    consent = join_request.consent_deadline is not None
    # In the body only (e-mail): the subject stays neutral, and no SMS carries it.
    url = settings.SITE_URL + reverse(
        "joining:group_requests", kwargs={"slug": join_request.group.slug}
    )
    subject = (
        _("Selvhjelp: your group is asked to agree to a new member")
        if consent
        else _("Selvhjelp: someone asks to join a group")
    )
    return _email(
        subject=subject,
        template="join_request",
        context={
            "consent": consent,
            "deadline": join_request.consent_deadline,
            "full_url": url,
            "user": message.recipient,
        },
    )


@register("seat_offer")
def render_seat_offer(message: OutgoingMessage) -> Rendered | None:
    from joining.models import WaitingListEntry

    entry = WaitingListEntry.objects.filter(
        pk=_param(message, "entry"), status=WaitingListEntry.Status.OFFERED
    ).first()
    if entry is None:
        return None
    subject = _("Selvhjelp: a seat is free for you")
    url = reverse("joining:mine")
    return _email(
        subject=subject,
        template="seat_offer",
        context={
            "user": message.recipient,
            "entry": entry,
            "url": url,
            "full_url": settings.SITE_URL + url,
        },
        sms=f"{subject}\n{settings.SITE_URL}{url}",
    )


# --- Interest lists ---------------------------------------------------------------


@register("quorum_alert")
def render_quorum_alert(message: OutgoingMessage) -> Rendered | None:
    from interest.models import QuorumAlert

    alert = (
        QuorumAlert.objects.select_related("contact_point", "theme", "kommune")
        .filter(pk=_param(message, "alert"))
        .first()
    )
    if alert is None:
        return None
    url = reverse("interest_staff:overview", kwargs={"slug": alert.contact_point.slug})
    return _email(
        subject=_("Selvhjelp: enough people for a new group"),
        template="interest_quorum",
        html="emails/interest_quorum.html",
        context={"alert": alert, "url": url, "full_url": settings.SITE_URL + url},
    )


@register("interest_invitation")
def render_interest_invitation(message: OutgoingMessage) -> Rendered | None:
    from groups.models import GroupInvitation

    invitation = GroupInvitation.objects.filter(
        pk=_param(message, "invitation"), status=GroupInvitation.Status.PENDING
    ).first()
    if invitation is None:
        return None
    url = reverse("interest:mine")
    return _email(
        subject=_("Selvhjelp: you are invited to a group"),
        template="interest_invitation",
        html="emails/interest_invitation.html",
        context={"user": message.recipient, "url": url, "full_url": settings.SITE_URL + url},
    )


@register("interest_expiry")
def render_interest_expiry(message: OutgoingMessage) -> Rendered | None:
    from interest.models import InterestRegistration

    registration = InterestRegistration.objects.filter(
        pk=_param(message, "registration"), withdrawn_at__isnull=True
    ).first()
    if registration is None or registration.expires_at <= timezone.now():
        return None
    url = reverse("interest:mine")
    return _email(
        subject=_("Selvhjelp: your interest registration expires soon"),
        template="interest_expiry",
        html="emails/interest_expiry.html",
        context={
            "user": message.recipient,
            "registration": registration,
            "url": url,
            "full_url": settings.SITE_URL + url,
        },
    )


# --- Groups -----------------------------------------------------------------------


@register("support_request")
def render_support_request(message: OutgoingMessage) -> Rendered | None:
    from groups.models import SupportRequest

    if not SupportRequest.objects.filter(pk=_param(message, "support_request")).exists():
        return None
    url = settings.SITE_URL + reverse("organisations:support_requests")
    return _email(
        subject=_("Selvhjelp: a group asks for support"),
        template="support_request",
        context={"url": url, "full_url": url},
    )


@register("step_back_nudge")
def render_step_back_nudge(message: OutgoingMessage) -> Rendered | None:
    from groups.models import Group, Membership

    group = Group.objects.filter(pk=_param(message, "group"), state=Group.State.STARTING).first()
    if group is None:
        return None
    is_initiator = (
        Membership.objects.active()
        .filter(group=group, user_id=message.recipient_id or 0, role=Membership.Role.INITIATOR)
        .exists()
    )
    if not is_initiator:
        return None
    url = settings.SITE_URL + reverse("groups:inside", kwargs={"slug": group.slug})
    return _email(
        subject=_("Selvhjelp: time to step back?"),
        template="step_back_nudge",
        context={
            "meetings": settings.SELVHJELP_STEP_BACK_NUDGE_AFTER,
            "url": url,
            "full_url": url,
        },
    )


# --- Staff --------------------------------------------------------------------------


@register("staff_invitation")
def render_staff_invitation(message: OutgoingMessage) -> Rendered | None:
    from organisations.models import StaffInvitation

    invitation = (
        StaffInvitation.objects.pending()
        .select_related("contact_point")
        .filter(pk=_param(message, "invitation"))
        .first()
    )
    if invitation is None:
        return None
    link = settings.SITE_URL + reverse("staff_invitation_accept", args=[invitation.token])
    context = {"invitation": invitation, "link": link, "full_url": link, "url": link}
    text = render_to_string("organisations/invitation_email.txt", context)
    return Rendered(
        # Neutral on purpose: no role, contact point or group in the subject.
        subject=_("Selvhjelp: invitation"),
        text=text,
        html=render_to_string("notifications/email.html", {"text": text, "url": link}),
        url=link,
    )
