"""Join requests, waiting lists, group notices (see ``core.personal_data``).

Answers to join requests are answers to consent proposals: ``decisions``
declares them.

Deleting an account starts here: the person leaves every group, withdraws
pending requests and gives up waiting-list places through the same services
as anyone who leaves, so seats, waiting lists and group lifecycles stay
consistent.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from core.models import AuditEvent
from core.personal_data import (
    ExportSection,
    Person,
    PersonalData,
    RetentionRule,
    before,
    iso,
    register,
)
from core.services import audit
from groups import lifecycle
from groups.models import Group, Membership
from notifications.personal_data import messages_cancel_about
from notifications.services import enqueue

from . import services
from .models import JoinRequest, WaitingListEntry


def _join_requests(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "group": r.group.name,
            "message": r.message,
            "status": r.status,
            "asked_at": iso(r.created_at),
            "answer_by": iso(r.consent_deadline),
            "decided_at": iso(r.decided_at),
        }
        for r in JoinRequest.objects.filter(user=user).select_related("group").order_by("pk")
    ]


def _waiting_list(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "group": e.group.name,
            "status": e.status,
            "joined_list_at": iso(e.created_at),
            "offered_at": iso(e.offered_at),
            "offer_expires_at": iso(e.offer_expires_at),
        }
        for e in WaitingListEntry.objects.filter(user=user).select_related("group").order_by("pk")
    ]


def close_unanswered_join_requests(now: datetime.datetime) -> int:
    """Pending requests nobody answered in time are closed as expired.

    The person asking is told, as for any request that did not work out.
    (Requests every member must agree to are closed sooner, by ``decisions``.)
    """
    stale = list(
        JoinRequest.objects.filter(
            status=JoinRequest.Status.PENDING,
            created_at__lt=before(now, "SELVHJELP_RETAIN_UNANSWERED_JOIN_REQUEST_DAYS"),
        ).select_related("user")
    )
    for join_request in stale:
        enqueue(
            key=f"join_not_this_time:r={join_request.pk}",
            kind="join_not_this_time",
            recipient=join_request.user,
            params={"join_request": join_request.pk},
        )
    return JoinRequest.objects.filter(pk__in=[r.pk for r in stale]).update(
        status=JoinRequest.Status.EXPIRED, decided_at=now, message=""
    )


def delete_closed_join_requests(now: datetime.datetime) -> int:
    cutoff = before(now, "SELVHJELP_RETAIN_CLOSED_JOIN_REQUEST_DAYS")
    closed = JoinRequest.objects.exclude(status=JoinRequest.Status.PENDING).filter(
        Q(decided_at__lt=cutoff) | Q(decided_at__isnull=True, created_at__lt=cutoff)
    )
    return closed.delete()[1].get(JoinRequest._meta.label, 0)


def delete_closed_waiting_list_entries(now: datetime.datetime) -> int:
    cutoff = before(now, "SELVHJELP_RETAIN_CLOSED_WAITING_LIST_DAYS")
    active = (WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED)
    closed = WaitingListEntry.objects.exclude(status__in=active).filter(
        Q(offered_at__lt=cutoff) | Q(offered_at__isnull=True, created_at__lt=cutoff)
    )
    return closed.delete()[0]


def _end_membership(membership: Membership, user: Any) -> None:
    """Leave one group through the same services a person uses to leave."""
    group = membership.group
    others = Membership.objects.active().filter(group=group).exclude(pk=membership.pk).exists()
    if not others and group.state in Group.State.RUNS_ITSELF:
        # The last one out of a self-run group: it ends rather than running
        # with nobody. A group still forming stays with its contact point.
        lifecycle.group_transition_together(
            group=group, action="end", proposal_id=None, reason="last_member"
        )
        group.refresh_from_db()
    elif (
        not others
        and group.state == Group.State.STARTING
        and lifecycle.may(user=user, group=group, action="end")
    ):
        lifecycle.group_transition(group=group, action="end", actor=user)
        group.refresh_from_db()
    if membership.role == Membership.Role.MEMBER:
        services.membership_leave(group=group, user=user)
    elif group.state == Group.State.STARTING:
        # The last initiator hands a ready group to its members; one that is
        # not ready stays starting, flagged for its contact point.
        lifecycle.initiator_step_back(group=group, user=user, leaving_platform=True)
    else:
        # Draft or forming: the contact point steers the start until a new
        # initiator is added (``start`` needs one).
        membership.status = Membership.Status.STEPPED_BACK
        membership.ended_at = timezone.now()
        membership.save(update_fields=["status", "ended_at"])
        audit(actor=None, event=AuditEvent.Event.GROUP_INITIATOR_STEPPED_BACK, target=group)


class JoiningData(PersonalData):
    app_label = "joining"
    models = (
        "joining.JoinRequest",
        "joining.WaitingListEntry",
        "joining.GroupNotice",
    )
    links = {
        "joining.JoinRequest.user": "join_requests",
        "joining.JoinRequest.decided_by": "not exported: another person's request",
        "joining.WaitingListEntry.user": "waiting_list_entries",
        "joining.GroupNotice.membership": "not exported: the group's own feed",
    }
    sections = (
        ExportSection("join_requests", _join_requests),
        ExportSection("waiting_list_entries", _waiting_list),
    )
    retention = (
        RetentionRule(
            "join_requests_unanswered",
            close_unanswered_join_requests,
            "SELVHJELP_RETAIN_UNANSWERED_JOIN_REQUEST_DAYS",
        ),
        RetentionRule(
            "join_requests_closed",
            delete_closed_join_requests,
            "SELVHJELP_RETAIN_CLOSED_JOIN_REQUEST_DAYS",
        ),
        RetentionRule(
            "waiting_list_closed",
            delete_closed_waiting_list_entries,
            "SELVHJELP_RETAIN_CLOSED_WAITING_LIST_DAYS",
        ),
    )

    def accounts_to_keep(self) -> Any:
        # Asked to join a group or waits for a seat (until retention removes the row).
        return (
            get_user_model()
            .objects.filter(
                Q(pk__in=JoinRequest.objects.values("user_id"))
                | Q(pk__in=WaitingListEntry.objects.values("user_id"))
            )
            .values("pk")
        )

    def withdraw(self, *, user: Any) -> None:
        for membership in Membership.objects.active().filter(user=user).select_related("group"):
            _end_membership(membership, user)
        pending = JoinRequest.objects.filter(user=user, status=JoinRequest.Status.PENDING)
        for join_request in pending:
            services.join_request_withdraw(join_request=join_request, user=user)
        active = (WaitingListEntry.Status.WAITING, WaitingListEntry.Status.OFFERED)
        for entry in WaitingListEntry.objects.filter(user=user, status__in=active).select_related(
            "group"
        ):
            # Passes a held seat on to the next person waiting.
            services.waiting_list_leave(entry=entry, user=user)

    def erase(self, *, person: Person) -> None:
        # Messages to others about the person's requests and places would
        # find nothing to render once they are gone.
        user = person.user
        requests = JoinRequest.objects.filter(user=user).values_list("pk", flat=True)
        messages_cancel_about(key="join_request", ids=list(requests))
        entries = WaitingListEntry.objects.filter(user=user).values_list("pk", flat=True)
        messages_cancel_about(key="entry", ids=list(entries))


register(JoiningData())
