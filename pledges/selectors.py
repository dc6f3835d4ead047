"""Which pledge is current, and who has signed it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from groups.models import Group, Membership

from .models import GroupPledgeLines, Pledge, PledgeSignature


class PledgeRequired(Exception):
    """An active participant has not signed the current pledge of ``group``.

    Raised by ``groups.selectors.group_get_internal``; ``pledges.gate.pledge_gate``
    turns it into a redirect to the signing page.
    """

    def __init__(self, group: Group) -> None:
        super().__init__(group.slug)
        self.group = group


def pledge_current() -> Pledge | None:
    return Pledge.objects.current()


def group_lines_get(*, group: Group) -> GroupPledgeLines | None:
    return GroupPledgeLines.objects.filter(group=group).first()


def group_lines_revision(*, group: Group) -> int:
    """The group's current lines revision; 0 while the group has none."""
    revision = GroupPledgeLines.objects.filter(group=group).values_list("revision", flat=True)
    return revision.first() or 0


def membership_has_signed_current(*, membership: Membership) -> bool:
    """True if the member signed the newest published pledge and the group's lines.

    With no published pledge nobody can sign, so nobody has signed.
    """
    pledge = pledge_current()
    if pledge is None:
        return False
    return PledgeSignature.objects.filter(
        membership=membership,
        pledge=pledge,
        group_lines_revision=group_lines_revision(group=membership.group),
    ).exists()


def signed_membership_ids(*, group: Group) -> set[int]:
    """Ids of the group's memberships that signed the current version."""
    pledge = pledge_current()
    if pledge is None:
        return set()
    return set(
        PledgeSignature.objects.filter(
            membership__group=group,
            pledge=pledge,
            group_lines_revision=group_lines_revision(group=group),
        ).values_list("membership_id", flat=True)
    )


def signatures_for_user(*, user: Any) -> QuerySet[PledgeSignature]:
    """Everything ``user`` signed, newest first, with group and version."""
    return (
        PledgeSignature.objects.filter(membership__user=user)
        .select_related("membership__group", "pledge")
        .order_by("-signed_at", "-pk")
    )
