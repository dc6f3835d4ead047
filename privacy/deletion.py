"""Deleting an account (GDPR Art. 17): at once, completely, and once.

``account_delete`` asks every app (``personal_data.py``, in the order of
``INSTALLED_APPS``), in three rounds:

1. ``deletion_check``: may the account go now? (The only national
   administrator may not.)
2. ``withdraw``: the person leaves everything the way the rest of the
   platform expects people to leave, so that seats, waiting lists, join
   requests and group lifecycles stay consistent.
3. ``erase``: every row of others that names the person is cleared or
   removed: audit links, admin log entries, sessions, invitations and
   outbox rows to their addresses, messages about their requests.

Finally the user row itself is deleted, which cascades to the rest:
memberships, pledge signatures, notices of absence, host turns, consents,
join requests, waiting-list entries, interest registrations, group
invitations, the calendar feed, staff roles, e-mail addresses, second
factors and outbox rows addressed to them.

What stays is what no longer says anything about them: a group's
``member_count`` and attendance numbers, "someone left" notices with the
member link cleared, and audit rows with the actor cleared.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from core.models import AuditEvent
from core.personal_data import Person, PersonalData, providers
from core.services import audit

logger = logging.getLogger(__name__)


def person_of(user: Any, everyone: Sequence[PersonalData]) -> Person:
    """The person's addresses and phone number, gathered from every app."""
    emails = {user.email.lower()} if user.email else set()
    for provider in everyone:
        emails |= {address.lower() for address in provider.email_addresses(user=user)}
    needles = sorted(emails | ({user.phone} if user.phone else set()))
    return Person(user=user, emails=frozenset(emails), needles=tuple(needles))


def account_delete_check(*, user: Any) -> None:
    """Raise ``DomainError`` when the account may not be deleted now."""
    for provider in providers():
        provider.deletion_check(user=user)


@transaction.atomic
def account_delete(*, user_id: int) -> bool:
    """Delete the account ``user_id`` and everything that names the person.

    Idempotent: returns ``False`` when there is no such account (any more).
    Atomic: either all of it happens or none of it. Staff roles are revoked
    with the account; the only national administrator is refused, so that
    the platform always has someone who can grant roles.
    """
    user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        return False
    account_delete_check(user=user)
    everyone = providers()
    for provider in everyone:
        provider.withdraw(user=user)
    person = person_of(user, everyone)
    for provider in everyone:
        provider.erase(person=person)

    # Cascades to every row that belongs to the person (see module docstring);
    # foreign keys from rows that belong to others are set to NULL.
    user.delete()
    audit(actor=None, event=AuditEvent.Event.ACCOUNT_DELETED)
    logger.info("account deleted")
    return True
