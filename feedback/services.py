"""Storing an answer without storing who gave it."""

from __future__ import annotations

import datetime
import random

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.services import DomainError
from groups.models import Membership
from monitoring.filters import OSLO, month_start, this_month

from . import selectors
from .models import Answer, Answered, Occasion, PendingAnswer

# Rows per statement when answers are filed (SQLite limits the parameters of one).
FILE_CHUNK = 500
# A month's answers are filed once it has been over this long: an answer sent
# in its last second is committed well before (gunicorn stops a request after 30 s),
# so no answer of a month comes in after the month was filed.
FILE_AFTER = datetime.timedelta(minutes=10)

ALREADY_ANSWERED = gettext_lazy(
    "You have already had these questions in this group, so we will not ask again."
)


def _already_answered() -> DomainError:
    return DomainError(str(ALREADY_ANSWERED), code="answered")


def _mark_answered(*, membership: Membership) -> Occasion:
    # All the person's memberships of the group, in one order: the marker of an
    # earlier membership closes the occasion too (left, taken back, left again),
    # and two answers sent at once from two memberships wait for each other.
    rows = (
        Membership.objects.select_for_update()
        .filter(group_id=membership.group_id, user_id=membership.user_id)
        .order_by("pk")
    )
    locked = {row.pk: row for row in rows}.get(membership.pk)
    occasion = None
    if locked is not None:
        occasion = selectors.due_occasion(membership=locked, now=timezone.now())
    if locked is None or occasion is None:
        raise DomainError(_("These questions are not open for you now."), code="closed")
    if selectors.has_answered(membership=locked, occasion=occasion):
        raise _already_answered()
    try:
        with transaction.atomic():
            Answered.objects.create(membership=locked, occasion=occasion)
    except IntegrityError:
        raise _already_answered() from None
    return occasion


@transaction.atomic
def feedback_answer(*, membership: Membership, works: int, safe: str, text: str = "") -> None:
    """Mark the member as having answered on the open occasion, and store the answers.

    The answer keeps the group and the month only; the marker keeps the
    membership and the occasion only. No audit row is written: an audit row
    names its actor, and here the point is that nobody can tell who answered.
    The answer waits as a ``PendingAnswer`` until its month is over
    (``file_answers``).
    """
    if not 1 <= works <= 5 or safe not in Answer.Safe.values:
        raise DomainError(_("Please choose one of the answers given."), code="invalid")
    _mark_answered(membership=membership)
    PendingAnswer.objects.create(
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


@transaction.atomic
def file_answers() -> int:
    """File the answers of every month that is over, and return how many.

    A pending answer was written in the same transaction as its member's
    marker, and in PostgreSQL both rows carry that transaction's id (the
    marker its savepoint's, the next one). Filed
    together, in random order, a month's answers share one transaction and
    their place in the table says nothing of when each was given; the pending
    rows are deleted in the same transaction. Locked first, so that two runs
    at once file each answer once: the second finds the rows gone.
    A month is filed once it has been over for ``FILE_AFTER``. Staff only
    ever see months that are over (``selectors.answers_over``), in batches
    taken oldest first, so a month filed an hour late changes nothing shown.
    """
    over = month_start(timezone.localdate(timezone.now() - FILE_AFTER, timezone=OSLO))
    pending = list(PendingAnswer.objects.select_for_update().filter(month__lt=over).order_by())
    if not pending:
        return 0
    random.SystemRandom().shuffle(pending)
    # By key, not by month: an answer committed since the read above is left
    # for the next run, not deleted unfiled.
    keys = [answer.pk for answer in pending]
    for start in range(0, len(keys), FILE_CHUNK):
        PendingAnswer.objects.filter(pk__in=keys[start : start + FILE_CHUNK]).delete()
    Answer.objects.bulk_create(
        [
            Answer(
                group_id=answer.group_id,
                month=answer.month,
                works=answer.works,
                safe=answer.safe,
                text=answer.text,
            )
            for answer in pending
        ],
        batch_size=FILE_CHUNK,
    )
    return len(pending)
