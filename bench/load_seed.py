"""Data for the load run (``bench/load_run.py``), on top of ``seed_demo``.

- ``--groups`` more public groups, copies of the demo's published groups
  under new slugs, so that searches and group pages hit a fuller table;
- ``--users`` load-test members, each an active member (pledge signed) of a
  demo group that meets, with upcoming meetings to send notices for.

Writes what the Locust users need (slugs, logins, meeting paths, place names)
as JSON to the path given. Idempotent for one database.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", type=Path)
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--users", type=int, default=60)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_load")
    django.setup()
    data = seed(groups=args.groups, users=args.users)
    args.output.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    print(
        f"load data: {len(data['group_slugs'])} public groups, {len(data['members'])} members",
        flush=True,
    )


def seed(*, groups: int, users: int) -> dict[str, object]:
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from groups.models import Group, Membership, inside_token_new
    from meetings.models import Meeting
    from meetings.services import meetings_materialise
    from pledges.models import GroupPledgeLines, Pledge, PledgeSignature

    now = timezone.now()
    with transaction.atomic():
        templates = list(Group.objects.public().order_by("pk"))
        existing = Group.objects.filter(slug__startswith="last-").count()
        copies = []
        for index in range(existing, groups):
            source = templates[index % len(templates)]
            copy = Group.objects.get(pk=source.pk)
            copy.pk = None
            copy.id = None
            copy.slug = f"last-{index}"
            copy.name = f"{source.name} {index}"
            copy.member_count = 0
            copy.inside_token = inside_token_new()
            copies.append(copy)
        Group.objects.bulk_create(copies, batch_size=500)

        meeting_groups = list(Group.objects.filter(state__in=Group.State.MEETING).order_by("pk"))
        for group in meeting_groups:
            meetings_materialise(group_id=group.pk, now=now)
        pledge = Pledge.objects.current()
        assert pledge is not None, "seed_demo publishes a pledge"
        password = make_password(settings.SELVHJELP_DEMO_PASSWORD)
        members = []
        for index in range(users):
            email = f"last{index}@last.selvhjelp.example"
            user, _ = User.objects.get_or_create(
                email=email,
                defaults={"display_name": f"Last {index}", "password": password, "language": "nb"},
            )
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"primary": True, "verified": True}
            )
            group = meeting_groups[index % len(meeting_groups)]
            membership, _ = Membership.objects.get_or_create(
                group=group,
                user=user,
                role=Membership.Role.MEMBER,
                defaults={"status": Membership.Status.ACTIVE, "joined_at": now},
            )
            revision = (
                GroupPledgeLines.objects.filter(group=group)
                .values_list("revision", flat=True)
                .first()
                or 0
            )
            PledgeSignature.objects.get_or_create(
                membership=membership,
                pledge=pledge,
                group_lines_revision=revision,
                defaults={"typed_name": user.display_name},
            )
            meeting = (
                Meeting.objects.filter(group=group, starts_at__gt=now, cancelled_at__isnull=True)
                .order_by("starts_at")
                .first()
            )
            if meeting is None:
                start = now + datetime.timedelta(days=3)
                meeting = Meeting.objects.create(
                    group=group,
                    occurrence=start,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=2),
                )
            members.append(
                {
                    "email": email,
                    "inside": group.inside_url("groups:inside"),
                    "absence": group.inside_url("meetings:absence", pk=meeting.pk),
                }
            )
    from places.models import Kommune

    places = list(
        Kommune.objects.filter(groups__isnull=False).distinct().values_list("name", flat=True)
    )
    return {
        "password": settings.SELVHJELP_DEMO_PASSWORD,
        "group_slugs": list(Group.objects.public().values_list("slug", flat=True)[:5000]),
        "places": places or ["Oslo", "Bergen", "Trondheim"],
        "members": members,
    }


if __name__ == "__main__":
    main()
