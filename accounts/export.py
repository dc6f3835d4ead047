"""Everything the platform holds about one person, as a readable document.

``user_data_export`` is what a member downloads from their profile (GDPR
Art. 15 and 20). It holds their own data only: the groups they are or were
in appear by name and dates, never with the other members; outgoing messages
appear by kind and status, never with the text or another address; audit
events by name and time, without ids that point at other people.

The calendar feed's token is left out on purpose: it is a key, and a key in
a downloaded file lying in a downloads folder is a key anyone can copy.
"""

from __future__ import annotations

import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import timezone
from django.utils.translation import gettext

from core.models import AuditEvent
from groups.models import Group, GroupInvitation, HostTurn, Membership, SupportRequest
from interest.models import InterestRegistration
from joining.models import Consent, JoinRequest, WaitingListEntry
from meetings.models import Absence, CalendarFeed, ReminderOptOut, ReminderPreference
from notifications.models import BouncedAddress, OutgoingMessage
from organisations.models import StaffInvitation, StaffRole
from pledges.models import PledgeSignature

from .models import User

FORMAT_VERSION = 1

# Every foreign key to a person or a membership, and where the export answers
# for it (or why it does not). ``tests/privacy/test_export.py`` fails when a
# new one appears, so that a new model gets a decision.
COVERAGE = {
    "account.EmailAddress.user": "email_addresses",
    "mfa.Authenticator.user": "two_factor_authentication",
    "core.AuditEvent.actor": "audit_events",
    "organisations.StaffRole.user": "staff.roles",
    "organisations.StaffRole.granted_by": "not exported: a role someone else holds",
    "organisations.StaffInvitation.invited_by": "not exported: another person's address",
    "organisations.StaffInvitation.accepted_by": "staff.invitations_received (by address)",
    "groups.Group.contact_person": "not exported: a group setting, visible inside the group",
    "groups.Group.created_by": "staff.groups_created",
    "groups.Membership.user": "memberships",
    "groups.HostTurn.membership": "memberships[].host_weeks",
    "groups.SupportRequest.author": "support_requests_sent",
    "groups.SupportRequest.answered_by": "not exported: staff work on a group's request",
    "groups.GroupInvitation.user": "group_invitations",
    "groups.GroupInvitation.invited_by": "not exported: an invitation to another person",
    "interest.InterestRegistration.user": "interest_registrations",
    "pledges.PledgeSignature.membership": "memberships[].pledge_signatures",
    "joining.JoinRequest.user": "join_requests",
    "joining.JoinRequest.decided_by": "not exported: another person's request",
    "joining.Consent.membership": "memberships[].answers_to_join_requests",
    "joining.WaitingListEntry.user": "waiting_list_entries",
    "joining.GroupNotice.membership": "not exported: the group's own feed",
    "meetings.Absence.membership": "memberships[].notices_of_absence",
    "meetings.CalendarFeed.user": "calendar_feed",
    "notifications.OutgoingMessage.recipient": "messages_to_you",
    "meetings.ReminderPreference.user": "reminders.preference",
    "meetings.ReminderOptOut.membership": "memberships[].meeting_reminders_off",
    "notifications.BouncedAddress.user": "reminders.addresses_that_bounced",
    "admin.LogEntry.user": "not exported: the admin site's change log of administrators",
}


def _when(value: datetime.datetime | datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "phone": user.phone,
        "language": user.language,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "has_password": user.has_usable_password(),
        "admin_site_access": user.is_staff,
    }


def _memberships(user: User) -> list[dict[str, Any]]:
    memberships = Membership.objects.filter(user=user).select_related("group").order_by("pk")
    signatures: dict[int, list[dict[str, Any]]] = {}
    for signature in PledgeSignature.objects.filter(membership__user=user).select_related("pledge"):
        signatures.setdefault(signature.membership_id, []).append(
            {
                "pledge_version": signature.pledge.version,
                "group_lines_revision": signature.group_lines_revision,
                "typed_name": signature.typed_name,
                "signed_at": _when(signature.signed_at),
            }
        )
    absences: dict[int, list[dict[str, Any]]] = {}
    for absence in Absence.objects.filter(membership__user=user).select_related("meeting"):
        absences.setdefault(absence.membership_id, []).append(
            {
                "meeting_starts_at": _when(absence.meeting.starts_at),
                "sent_at": _when(absence.created_at),
            }
        )
    opted_out = set(
        ReminderOptOut.objects.filter(membership__user=user).values_list("membership_id", flat=True)
    )
    host_turns: dict[int, list[str | None]] = {}
    for turn in HostTurn.objects.filter(membership__user=user):
        host_turns.setdefault(turn.membership_id, []).append(_when(turn.week))
    consents: dict[int, list[dict[str, Any]]] = {}
    for consent in Consent.objects.filter(membership__user=user):
        consents.setdefault(consent.membership_id, []).append(
            {"agrees": consent.agrees, "answered_at": _when(consent.created_at)}
        )
    return [
        {
            "group": m.group.name,
            "role": m.role,
            "status": m.status,
            "joined_at": _when(m.joined_at),
            "ended_at": _when(m.ended_at),
            "takes_turns_as_host": m.hosts,
            "meeting_reminders_off": m.pk in opted_out,
            "pledge_signatures": signatures.get(m.pk, []),
            "notices_of_absence": absences.get(m.pk, []),
            "host_weeks": host_turns.get(m.pk, []),
            "answers_to_join_requests": consents.get(m.pk, []),
        }
        for m in memberships
    ]


def _join_requests(user: User) -> list[dict[str, Any]]:
    return [
        {
            "group": r.group.name,
            "message": r.message,
            "status": r.status,
            "asked_at": _when(r.created_at),
            "answer_by": _when(r.consent_deadline),
            "decided_at": _when(r.decided_at),
        }
        for r in JoinRequest.objects.filter(user=user).select_related("group").order_by("pk")
    ]


def _waiting_list(user: User) -> list[dict[str, Any]]:
    return [
        {
            "group": e.group.name,
            "status": e.status,
            "joined_list_at": _when(e.created_at),
            "offered_at": _when(e.offered_at),
            "offer_expires_at": _when(e.offer_expires_at),
        }
        for e in WaitingListEntry.objects.filter(user=user).select_related("group").order_by("pk")
    ]


def _interest(user: User) -> list[dict[str, Any]]:
    registrations = InterestRegistration.objects.filter(user=user).select_related(
        "theme", "kommune", "invited_to"
    )
    return [
        {
            "theme": r.theme.name_en if user.language == "en" else r.theme.name_nb,
            "format": r.format,
            "municipality": r.kommune.name if r.kommune else None,
            "distance_km": r.radius_km,
            "contact_by": r.contact_by,
            "registered_at": _when(r.created_at),
            "expires_at": _when(r.expires_at),
            "reminded_at": _when(r.reminded_at),
            "withdrawn_at": _when(r.withdrawn_at),
            "invited_to": r.invited_to.name if r.invited_to else None,
            "status": r.status,
        }
        for r in registrations.order_by("pk")
    ]


def _group_invitations(user: User) -> list[dict[str, Any]]:
    return [
        {
            "group": i.group.name,
            "status": i.status,
            "invited_at": _when(i.created_at),
            "answered_at": _when(i.responded_at),
        }
        for i in GroupInvitation.objects.filter(user=user).select_related("group").order_by("pk")
    ]


def _support_requests(user: User) -> list[dict[str, Any]]:
    return [
        {
            "group": s.group.name,
            "message": s.message,
            "sent_at": _when(s.created_at),
            "answered_at": _when(s.answered_at),
        }
        for s in SupportRequest.objects.filter(author=user).select_related("group").order_by("pk")
    ]


def _calendar_feed(user: User) -> dict[str, Any] | None:
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return None
    return {
        "exists": True,
        "created_at": _when(feed.created_at),
        "last_used_at": _when(feed.last_used_at),
    }


def _reminders(user: User) -> dict[str, Any]:
    preference = ReminderPreference.objects.filter(user=user).first()
    return {
        "preference": (
            {
                "hours_before": preference.lead_hours,
                "channel": preference.channel,
                "updated_at": _when(preference.updated_at),
            }
            if preference
            else None
        ),
        "addresses_that_bounced": [
            {
                "address": b.address,
                "channel": b.channel,
                "reason": b.reason,
                "bounced_at": _when(b.created_at),
            }
            for b in BouncedAddress.objects.filter(user=user).order_by("pk")
        ],
    }


def _messages(user: User) -> list[dict[str, Any]]:
    return [
        {
            "kind": m.kind,
            "channel": m.channel,
            "status": m.status,
            "created_at": _when(m.created_at),
            "due_at": _when(m.due_at),
            "sent_at": _when(m.sent_at),
        }
        for m in OutgoingMessage.objects.filter(recipient=user).order_by("pk")
    ]


def _staff(user: User) -> dict[str, Any]:
    roles = StaffRole.objects.filter(user=user).select_related("district", "contact_point")
    emails = list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    emails.append(user.email)
    invitations = StaffInvitation.objects.filter(email__in=emails).select_related("contact_point")
    return {
        "roles": [
            {
                "role": r.kind,
                "district_office": r.district.name if r.district else None,
                "contact_point": r.contact_point.name if r.contact_point else None,
                "granted_at": _when(r.granted_at),
            }
            for r in roles.order_by("pk")
        ],
        "invitations_received": [
            {
                "role": i.kind,
                "contact_point": i.contact_point.name,
                "invited_at": _when(i.created_at),
                "expires_at": _when(i.expires_at),
                "accepted_at": _when(i.accepted_at),
            }
            for i in invitations.order_by("pk")
        ],
        "groups_created": [
            {"group": g.name, "created_at": _when(g.created_at)}
            for g in Group.objects.filter(created_by=user).order_by("pk")
        ],
    }


def user_data_export(*, user: User) -> dict[str, Any]:
    """Everything held about ``user``, as JSON-ready data (ISO dates, no ids of others)."""
    return {
        "about": gettext(
            "Everything Selvhjelp stores about you, as of the time below. Groups are "
            "named, but not who else is in them. Times are in UTC."
        ),
        "format_version": FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "profile": _profile(user),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_authentication": [
            {
                "type": a.type,
                "created_at": _when(a.created_at),
                "last_used_at": _when(a.last_used_at),
            }
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "memberships": _memberships(user),
        "join_requests": _join_requests(user),
        "waiting_list_entries": _waiting_list(user),
        "group_invitations": _group_invitations(user),
        "interest_registrations": _interest(user),
        "support_requests_sent": _support_requests(user),
        "calendar_feed": _calendar_feed(user),
        "reminders": _reminders(user),
        "messages_to_you": _messages(user),
        "staff": _staff(user),
        "audit_events": [
            {"event": e.event, "at": _when(e.created_at), "about": e.target_type}
            for e in AuditEvent.objects.filter(actor=user).order_by("created_at", "pk")
        ],
    }
