"""Memberships, host turns, support requests, group invitations (see ``core.personal_data``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from core.models import AuditEvent
from core.personal_data import (
    ExportSection,
    Person,
    PersonalData,
    RetentionRule,
    audit_forget_ids,
    audit_forget_target,
    before,
    iso,
    register,
)
from notifications.personal_data import messages_cancel_about

from .models import Group, GroupInvitation, HostTurn, Membership, SupportRequest


def _memberships(user: Any) -> dict[int, dict[str, Any]]:
    memberships = Membership.objects.filter(user=user).select_related("group").order_by("pk")
    return {
        m.pk: {
            "group": m.group.name,
            "role": m.role,
            "status": m.status,
            "joined_at": iso(m.joined_at),
            "ended_at": iso(m.ended_at),
            "takes_turns_as_host": m.hosts,
        }
        for m in memberships
    }


def _host_weeks(user: Any) -> dict[int, list[str | None]]:
    weeks: dict[int, list[str | None]] = {}
    for turn in HostTurn.objects.filter(membership__user=user):
        weeks.setdefault(turn.membership_id, []).append(iso(turn.week))
    return weeks


def _group_invitations(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "group": i.group.name,
            "status": i.status,
            "invited_at": iso(i.created_at),
            "answered_at": iso(i.responded_at),
        }
        for i in GroupInvitation.objects.filter(user=user).select_related("group").order_by("pk")
    ]


def _support_requests(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "group": s.group.name,
            "message": s.message,
            "sent_at": iso(s.created_at),
            "answered_at": iso(s.answered_at),
        }
        for s in SupportRequest.objects.filter(author=user).select_related("group").order_by("pk")
    ]


def _groups_created(user: Any) -> list[dict[str, Any]]:
    return [
        {"group": g.name, "created_at": iso(g.created_at)}
        for g in Group.objects.filter(created_by=user).order_by("pk")
    ]


def delete_answered_group_invitations(now: datetime.datetime) -> int:
    cutoff = before(now, "SELVHJELP_RETAIN_INVITATION_DAYS")
    return GroupInvitation.objects.filter(
        status__in=(GroupInvitation.Status.ACCEPTED, GroupInvitation.Status.DECLINED),
        responded_at__lt=cutoff,
    ).delete()[0]


class GroupsData(PersonalData):
    app_label = "groups"
    models = (
        "groups.Group",
        "groups.Membership",
        "groups.HostTurn",
        "groups.SupportRequest",
        "groups.GroupInvitation",
        "groups.InitiatorInvitation",
        "groups.StartChecklistTick",
    )
    links = {
        "groups.Group.contact_person": "not exported: a group setting, visible inside the group",
        "groups.Group.created_by": "staff.groups_created",
        "groups.Membership.user": "memberships",
        "groups.HostTurn.membership": "memberships[].host_weeks",
        "groups.SupportRequest.author": "support_requests_sent",
        "groups.SupportRequest.answered_by": "not exported: staff work on a group's request",
        "groups.GroupInvitation.user": "group_invitations",
        "groups.GroupInvitation.invited_by": "not exported: an invitation to another person",
        "groups.InitiatorInvitation.hands_over": "not exported: which invitation took over an "
        "initiator's role (the invitation itself is under staff.invitations_received)",
        "groups.StartChecklistTick.ticked_by": "not exported: the initiators' shared checklist "
        "of a group, not the person's",
    }
    sections = (
        ExportSection("memberships", _memberships),
        ExportSection("memberships[].host_weeks", _host_weeks),
        ExportSection("group_invitations", _group_invitations),
        ExportSection("support_requests_sent", _support_requests),
        ExportSection("staff.groups_created", _groups_created),
    )
    # Shares its name and period with the staff invitations (``organisations``).
    retention = (
        RetentionRule(
            "invitations", delete_answered_group_invitations, "SELVHJELP_RETAIN_INVITATION_DAYS"
        ),
    )

    def accounts_to_keep(self) -> Any:
        # A member (now or before) or invited to a group.
        return (
            get_user_model()
            .objects.filter(
                Q(pk__in=Membership.objects.values("user_id"))
                | Q(pk__in=GroupInvitation.objects.values("user_id"))
            )
            .values("pk")
        )

    def erase(self, *, person: Person) -> None:
        ids = set(Membership.objects.filter(user=person.user).values_list("pk", flat=True))
        # Audit rows keep the group's history, without saying it was this member.
        audit_forget_target(target_type=Membership._meta.label_lower, ids=ids)
        audit_forget_ids(key="membership", ids=ids)
        for key in ("from", "to"):
            audit_forget_ids(key=key, ids=ids, event=AuditEvent.Event.GROUP_CONTACT_PERSON_CHANGED)
        # Messages to others about the membership would find nothing to render.
        messages_cancel_about(key="membership", ids=ids)


register(GroupsData())
