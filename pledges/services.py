"""Signing the confidentiality pledge and changing a group's own lines."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from groups.models import Group, Membership
from joining.models import GroupNotice

from .models import GroupPledgeLines, Pledge, PledgeSignature
from .selectors import group_lines_revision, pledge_current


def _same_name(typed: str, display_name: str) -> bool:
    return typed.strip().casefold() == display_name.strip().casefold()


@transaction.atomic
def pledge_sign(
    *, membership: Membership, pledge_version: int, lines_revision: int, typed_name: str
) -> PledgeSignature:
    """Sign the pledge version and group lines revision the member was shown.

    Refused (``code="outdated"``) when a newer pledge or new group lines came
    out after the page was shown: the member must read the new text first.
    Signing twice is harmless: the membership row is locked and the signature
    fetched or created, and the unique constraint backs that up.
    """
    membership = (
        Membership.objects.select_for_update().select_related("user", "group").get(pk=membership.pk)
    )
    if membership.status != Membership.Status.ACTIVE:
        raise DomainError(_("Only active members sign the pledge."), code="inactive")
    pledge = pledge_current()
    if pledge is None:
        raise DomainError(
            _("No confidentiality pledge is published yet. Try again later."), code="no_pledge"
        )
    current_revision = group_lines_revision(group=membership.group)
    if pledge.version != pledge_version or current_revision != lines_revision:
        raise DomainError(
            _(
                "The pledge was changed while you were reading it. Read the new text below "
                "and sign again."
            ),
            code="outdated",
        )
    if not _same_name(typed_name, membership.user.display_name):
        raise DomainError(_("Type your display name exactly as it is shown to sign."), code="name")
    signature, created = PledgeSignature.objects.get_or_create(
        membership=membership,
        pledge=pledge,
        group_lines_revision=current_revision,
        defaults={"typed_name": typed_name.strip()},
    )
    if created:
        GroupNotice.objects.create(
            group=membership.group, membership=membership, kind=GroupNotice.Kind.SIGNED
        )
        audit(
            actor=None,
            event=AuditEvent.Event.PLEDGE_SIGNED,
            target=signature,
            data={
                "membership": membership.pk,
                "group": membership.group_id,
                "pledge": pledge.pk,
                "group_lines_revision": current_revision,
            },
        )
    return signature


@transaction.atomic
def group_lines_update(*, membership: Membership, text: str) -> GroupPledgeLines:
    """Change the group's own lines; a change means everyone signs again.

    While the initiators guide the start, a participant changes them at once.
    Once the group runs itself they are proposed to the members instead
    (``decisions``; ``group_lines_carry_out`` when the proposal passes).

    The group row is locked so that two members editing at once get two
    revisions, not one lost update. Unchanged text changes nothing.
    """
    group = Group.objects.select_for_update().get(pk=membership.group_id)
    if not Membership.objects.active().filter(pk=membership.pk, group=group).exists():
        raise DomainError(_("Only active members change the group's lines."), code="inactive")
    if group.state in Group.State.RUNS_ITSELF:
        raise DomainError(
            _("The group runs itself: propose new lines to the members instead."),
            code="wrong_state",
        )
    return _lines_set(group=group, text=text, actor=membership.user, data={})


def _lines_set(*, group: Group, text: str, actor: Any, data: dict[str, Any]) -> GroupPledgeLines:
    lines, _created = GroupPledgeLines.objects.get_or_create(group=group)
    text = text.strip()
    if text == lines.text:
        return lines
    lines.text = text
    lines.revision += 1
    lines.save(update_fields=["text", "revision", "updated_at"])
    audit(
        actor=None,
        event=AuditEvent.Event.PLEDGE_GROUP_LINES_CHANGED,
        target=lines,
        data={"group": group.pk, "revision": lines.revision, **data},
    )
    return lines


def group_lines_carry_out(proposal: Any) -> None:
    """New lines the members agreed on (``decisions``): everyone signs again."""
    group = Group.objects.select_for_update().get(pk=proposal.group_id)
    _lines_set(group=group, text=proposal.text, actor=None, data={"proposal": proposal.pk})


def group_lines_are_so(proposal: Any) -> bool:
    lines = GroupPledgeLines.objects.filter(group_id=proposal.group_id).first()
    return proposal.text.strip() == (lines.text if lines else "")


@transaction.atomic
def pledge_publish(*, pledge: Pledge, actor: Any) -> Pledge:
    """Publish a draft version: from now on every member must sign it."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.published_at is not None:
        return pledge
    pledge.published_at = timezone.now()
    pledge.save(update_fields=["published_at"])
    audit(
        actor=actor,
        event=AuditEvent.Event.PLEDGE_PUBLISHED,
        target=pledge,
        data={"version": pledge.version},
    )
    return pledge
