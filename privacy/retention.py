"""Retention: the daily run that applies every rule of "How long" in ``docs/privacy.md``.

Each app declares its own rules (``retention`` in its ``personal_data.py``):
one function that takes ``now`` and returns how many rows it removed or
emptied. Periods are settings in days (``SELVHJELP_RETAIN_*``, defaults in
the base settings, set from the environment). Every rule is idempotent:
running it twice removes nothing the second time.

The one rule kept here is the one that deletes whole accounts, because it
goes through ``account_delete`` like a person who deletes their own.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.models import AuditEvent
from core.personal_data import RetentionRule, before, providers
from core.services import audit

from .deletion import account_delete

logger = logging.getLogger(__name__)


def delete_unverified_accounts(now: datetime.datetime) -> int:
    """Accounts whose address was never confirmed, and that nobody uses.

    Staff and admin-site accounts are left alone, and so is every account an
    app keeps (``accounts_to_keep``: a confirmed address, a staff role).
    Deletion goes through the same service a person uses, so nothing is left
    behind.
    """
    cutoff = before(now, "SELVHJELP_RETAIN_UNVERIFIED_ACCOUNT_DAYS")
    stale = (
        get_user_model()
        .objects.filter(date_joined__lt=cutoff, is_staff=False, is_superuser=False)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
    )
    for provider in providers():
        kept = provider.accounts_to_keep()
        if kept is not None:
            stale = stale.exclude(pk__in=kept)
    return sum(account_delete(user_id=pk) for pk in list(stale.values_list("pk", flat=True)))


UNVERIFIED_ACCOUNTS = RetentionRule(
    "accounts_unverified", delete_unverified_accounts, "SELVHJELP_RETAIN_UNVERIFIED_ACCOUNT_DAYS"
)


def rules() -> list[RetentionRule]:
    """Every app's rules in the order of ``INSTALLED_APPS``, then stale accounts."""
    return [rule for provider in providers() for rule in provider.retention] + [UNVERIFIED_ACCOUNTS]


def rule_names() -> list[str]:
    return list(dict.fromkeys(rule.name for rule in rules()))


def retention_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Apply every rule, each in its own transaction; returns counts per rule name."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for rule in rules():
        with transaction.atomic():
            counts[rule.name] = counts.get(rule.name, 0) + rule.apply(now)
    done = {name: count for name, count in counts.items() if count}
    if done:
        with transaction.atomic():
            audit(actor=None, event=AuditEvent.Event.RETENTION_PURGED, data=done)
    logger.info("retention purge: %s", done or "nothing to do")
    return counts
