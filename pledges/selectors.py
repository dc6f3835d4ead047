"""Which pledge is current, and who has signed it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from groups.models import Group, Membership

from .models import GroupPledgeLines, Pledge, PledgeSignature


def pledge_current() -> Pledge | None:
    return Pledge.objects.current()


def group_lines_get(*, group: Group) -> GroupPledgeLines | None:
    return GroupPledgeLines.objects.filter(group=group).first()


def group_lines_revision(*, group: Group) -> int:
    """The group's current lines revision; 0 while the group has none."""
    revision = GroupPledgeLines.objects.filter(group=group).values_list("revision", flat=True)
    return revision.first() or 0


def _current_signatures(*, group_id: int) -> QuerySet[PledgeSignature]:
    """Signatures of the newest published pledge with the group's current lines.

    One query: the current version and the lines revision (0 while the group
    has none) are subqueries. With no published pledge nobody can sign, so
    nothing matches.
    """
    current = Pledge.objects.published().order_by("-version").values("pk")[:1]
    revision = GroupPledgeLines.objects.filter(group_id=group_id).values("revision")[:1]
    return PledgeSignature.objects.filter(
        pledge=Subquery(current),
        group_lines_revision=Coalesce(Subquery(revision), Value(0)),
    )


def membership_has_signed_current(*, membership: Membership) -> bool:
    """True if the member signed the newest published pledge and the group's lines.

    The gate into a group asks this on every inside page: one query.
    """
    return _current_signatures(group_id=membership.group_id).filter(membership=membership).exists()


def signed_membership_ids(*, group: Group) -> set[int]:
    """Ids of the group's memberships that signed the current version (one query)."""
    return set(
        _current_signatures(group_id=group.pk)
        .filter(membership__group=group)
        .values_list("membership_id", flat=True)
    )


def signatures_for_user(*, user: Any) -> QuerySet[PledgeSignature]:
    """Everything ``user`` signed, newest first, with group and version."""
    return (
        PledgeSignature.objects.filter(membership__user=user)
        .select_related("membership__group", "pledge")
        .order_by("-signed_at", "-pk")
    )
