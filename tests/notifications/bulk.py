"""Many members with a meeting soon, made in bulk (fault tests, benchmark)."""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from groups.models import Group, Membership
from meetings.models import Meeting
from tests.factories import ContactPointFactory, GroupFactory, ThemeFactory


def members_with_a_meeting_soon(
    *, members: int, per_group: int = 100, prefix: str = "m", starts_in_minutes: int = 90
) -> list[str]:
    """``members`` users with verified addresses, ``per_group`` to a group, each group
    with one meeting ``starts_in_minutes`` from now (so every reminder is due).

    Returns the e-mail addresses. Meetings the schedule made are removed, so
    that the only reminders due are for the meetings made here.
    """
    theme = ThemeFactory()
    contact_point = ContactPointFactory()
    groups_needed = -(-members // per_group)
    groups = [
        GroupFactory(
            theme=theme,
            contact_point=contact_point,
            state=Group.State.SELF_RUN,
            slug=f"{prefix}-gruppe-{i}",
        )
        for i in range(groups_needed)
    ]
    Meeting.objects.filter(group__in=groups).delete()
    starts = timezone.now() + datetime.timedelta(minutes=starts_in_minutes)
    Meeting.objects.bulk_create(
        Meeting(
            group=g,
            occurrence=starts,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )
        for g in groups
    )
    emails = [f"{prefix}{i}@example.org" for i in range(members)]
    users = User.objects.bulk_create(
        (User(email=e, display_name=f"M {i}", password="!") for i, e in enumerate(emails)),
        batch_size=5000,
    )
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (
            Membership(group=groups[i // per_group], user=u, status=Membership.Status.ACTIVE)
            for i, u in enumerate(users)
        ),
        batch_size=5000,
    )
    return emails
