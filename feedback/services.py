"""Storing an answer without storing who gave it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import DomainError
from groups.models import Membership
from monitoring.filters import this_month

from . import selectors
from .models import Answer, Answered, Occasion


def _mark_answered(*, membership: Membership) -> Occasion:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    occasion = selectors.open_occasion(membership=locked, now=timezone.now())
    if occasion is None:
        raise DomainError(_("These questions are not open for you now."), code="closed")
    try:
        with transaction.atomic():
            Answered.objects.create(membership=locked, occasion=occasion)
    except IntegrityError:
        raise DomainError(_("These questions are not open for you now."), code="closed") from None
    return occasion


@transaction.atomic
def feedback_answer(*, membership: Membership, works: int, safe: str, text: str = "") -> None:
    """Mark the member as having answered on the open occasion, and store the answers.

    The answer keeps the group and the month only; the marker keeps the
    membership and the occasion only. No audit row is written: an audit row
    names its actor, and here the point is that nobody can tell who answered.
    """
    if not 1 <= works <= 5 or safe not in Answer.Safe.values:
        raise DomainError(_("Please choose one of the answers given."), code="invalid")
    _mark_answered(membership=membership)
    Answer.objects.create(
        group_id=membership.group_id,
        month=this_month(),
        works=works,
        safe=safe,
        text=" ".join(text.split())[:300],
    )


@transaction.atomic
def feedback_decline(*, membership: Membership) -> None:
    """«No thanks»: the member is not asked again on this occasion, and nothing is stored."""
    _mark_answered(membership=membership)
