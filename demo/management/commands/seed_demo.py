"""Fill a development database with demo data: ``python manage.py seed_demo``.

Creates contact points of every kind in all seven districts, some 35 groups in
every lifecycle state, fictional members with pseudonyms who have signed the
current confidentiality pledge, one login per role, an open proposal in a
self-run group of the demo member's, then their meetings (``demo.meetings``)
and a few contact points' information meetings (``demo.information_meetings``).
The fictional people, places and groups themselves are listed in
``demo.data``; every one is made up.

Idempotent: every row is found by a stable natural key (a slug or an e-mail
address) and the random choices come from a fixed seed, so a second run finds
everything in place and changes nothing. Time stamps that depend on "now"
(when a member joined, when a group changed state) are set only when the row
is created.

All demo logins share the password in ``settings.SELVHJELP_DEMO_PASSWORD``.
Staff pages need TOTP, so every demo user with a staff role gets a TOTP
authenticator with the fixed, public demo secret ``DEMO_TOTP_SECRET``: add it
to an authenticator app, or print the current code with
``python manage.py demo_totp <email>``.

Refuses to run when DEBUG is off unless ``--force`` is given: the demo
password and TOTP secret are public.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from board.models import Post
from decisions.models import Answer, Proposal
from demo.data import (
    AGE_BANDS,
    BOARD_POSTS,
    CONTACT_POINTS,
    DEMO_DOMAIN,
    DEMO_TOTP_SECRET,
    DESCRIPTIONS,
    GROUPS,
    INITIATOR_LOGIN_GROUPS,
    INITIATOR_NAMES,
    LOGINS,
    MEMBER_LOGIN_GROUPS,
    MEMBER_NAMES,
    MEMBERS_BY_STATE,
    PROPOSAL_GROUP,
    PROPOSAL_NOTE,
    ROOMS,
    SEED,
    WEEKDAYS,
    ascii_slug,
    demo_email,
)
from demo.information_meetings import seed_demo_information_meetings
from demo.meetings import seed_demo_meetings
from groups.models import Group, Membership, Theme
from organisations.models import ContactPoint, District, StaffRole
from places.models import Kommune
from pledges.models import Pledge, PledgeSignature
from pledges.selectors import group_lines_revision

G = Group.State


class Command(BaseCommand):
    help = "Fill the database with fictional demo data and one login per role (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off (the demo password and TOTP secret are public).",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set every demo user's password to SELVHJELP_DEMO_PASSWORD again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: refusing to add demo users with a public password. "
                "Use --force if this really is a throwaway database."
            )
        if not Kommune.objects.filter(number="3301").exists():
            raise CommandError("The gazetteer is missing: run `manage.py migrate` first.")
        self.password_hash = make_password(settings.SELVHJELP_DEMO_PASSWORD)
        self.reset_passwords = options["reset_passwords"]
        self.now = timezone.now()
        self.rng = random.Random(SEED)
        with transaction.atomic():
            contact_points = self.seed_contact_points()
            logins = self.seed_logins(contact_points)
            initiators = self.seed_initiators(contact_points)
            members = [self.user(ascii_slug(name), name) for name in MEMBER_NAMES]
            groups = self.seed_groups(contact_points, logins, initiators, members)
            self.seed_signatures()
            self.seed_open_proposal(groups[PROPOSAL_GROUP], logins["member"])
            self.seed_board(groups[PROPOSAL_GROUP], logins["member"])
            seed_demo_meetings(now=self.now)
            seed_demo_information_meetings(now=self.now)
        self.print_logins()

    # --- people ---------------------------------------------------------------

    def user(self, local_part: str, display_name: str, *, admin: bool = False) -> User:
        email = demo_email(local_part)
        fields = {"display_name": display_name, "is_staff": admin, "is_superuser": admin}
        user, created = User.objects.update_or_create(
            email=email,
            defaults=fields,
            create_defaults={**fields, "password": self.password_hash, "language": "nb"},
        )
        if self.reset_passwords and not created:
            user.password = self.password_hash
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"primary": True, "verified": True}
        )
        return user

    def give_totp(self, user: User) -> None:
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)

    def staff_role(self, user: User, kind: str, **scope: Any) -> None:
        StaffRole.objects.get_or_create(user=user, kind=kind, **scope)
        self.give_totp(user)

    def seed_logins(self, contact_points: dict[str, ContactPoint]) -> dict[str, User]:
        users = {}
        for login in LOGINS:
            is_admin = login.staff_role == StaffRole.Kind.NATIONAL_ADMIN
            user = self.user(login.local_part, login.display_name, admin=is_admin)
            if login.staff_role == StaffRole.Kind.NATIONAL_ADMIN:
                self.staff_role(user, login.staff_role)
            elif login.staff_role == StaffRole.Kind.DISTRICT_STAFF:
                district = District.objects.get(slug=login.scope)
                self.staff_role(user, login.staff_role, district=district)
            elif login.staff_role:
                self.staff_role(
                    user, login.staff_role, contact_point=contact_points[str(login.scope)]
                )
            users[login.local_part] = user
        return users

    def seed_initiators(self, contact_points: dict[str, ContactPoint]) -> dict[str, User]:
        initiators = {}
        for number, (slug, name) in enumerate(
            zip(contact_points, INITIATOR_NAMES, strict=True), start=1
        ):
            user = self.user(f"initiator-{number:02d}", name)
            self.staff_role(user, StaffRole.Kind.INITIATOR, contact_point=contact_points[slug])
            initiators[slug] = user
        return initiators

    # --- organisations and groups ---------------------------------------------

    def seed_contact_points(self) -> dict[str, ContactPoint]:
        kommuner = Kommune.objects.in_bulk([row[3] for row in CONTACT_POINTS], field_name="number")
        result = {}
        for index, (slug, name, kind, kommune_number) in enumerate(CONTACT_POINTS, start=1):
            result[slug], _ = ContactPoint.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "kommune": kommuner[kommune_number],
                    "public_email": f"post@{slug}.example",
                    "public_phone": f"+47 000 00 {100 + index}",
                    "website": f"https://{slug}.example/",
                    # Every other one has opening hours, so the directory shows both.
                    "opening_hours": "Mandag–torsdag 9–15" if index % 2 else "",
                    "is_active": True,
                },
            )
        return result

    def seed_groups(
        self,
        contact_points: dict[str, ContactPoint],
        logins: dict[str, User],
        initiators: dict[str, User],
        members: list[User],
    ) -> list[Group]:
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        seen_slugs: set[str] = set()
        seeded: list[Group] = []
        for index, spec in enumerate(GROUPS):
            # Draw every random value first, in the same order on every run.
            age_min, age_max = self.rng.choice(AGE_BANDS)
            capacity = self.rng.choice([6, 7, 8, 8, 8])
            offset = (self.rng.uniform(-0.012, 0.012), self.rng.uniform(-0.02, 0.02))
            room = self.rng.choice(ROOMS)
            low, high = MEMBERS_BY_STATE[spec.state]
            group_members = self.rng.sample(members, self.rng.randint(low, high))
            days_ago = self.rng.randint(7, 300)

            contact_point = contact_points[spec.contact_point]
            kommune = contact_point.kommune
            slug = ascii_slug(spec.name if spec.digital else f"{spec.name} {kommune.name}")
            if slug in seen_slugs:
                raise CommandError(f"two demo groups share the slug {slug}")
            seen_slugs.add(slug)
            if index in MEMBER_LOGIN_GROUPS:
                group_members = [logins["member"], *group_members[1:]]
            initiator = (
                logins["initiator"]
                if index in INITIATOR_LOGIN_GROUPS
                else initiators[spec.contact_point]
            )
            day, clock = spec.when.split()
            hour, minute = (int(part) for part in clock.split(":"))
            # Every kommune in the gazetteer has a point (see docs/gazetteer.md).
            lat, lon = float(kommune.latitude or 0), float(kommune.longitude or 0)

            fields: dict[str, Any] = {
                "name": spec.name,
                "theme": themes[spec.theme],
                "description": DESCRIPTIONS[spec.state],
                "contact_point": contact_point,
                "format": Group.Format.DIGITAL if spec.digital else Group.Format.IN_PERSON,
                "kommune": None if spec.digital else kommune,
                "area": spec.area,
                # The meeting area: the kommune's point moved by a fixed offset
                # of up to about 1.5 km, never anyone's address.
                "latitude": None if spec.digital else round(lat + offset[0], 5),
                "longitude": None if spec.digital else round(lon + offset[1], 5),
                "place": "" if spec.digital else f"{contact_point.name}, {room}",
                "meeting_url": f"https://mote.{DEMO_DOMAIN}/{slug}" if spec.digital else "",
                "weekday": WEEKDAYS[day],
                "start_time": datetime.time(hour, minute),
                "duration_minutes": 120,
                "cadence": Group.Cadence.FORTNIGHTLY if spec.fortnightly else Group.Cadence.WEEKLY,
                "language": spec.language,
                "age_min": age_min,
                "age_max": age_max,
                "capacity": max(capacity, len(group_members)),
                "admission": Group.Admission.CLOSED,
                "state": spec.state,
                "created_by": initiator,
            }
            group, _ = Group.objects.update_or_create(
                slug=slug,
                defaults=fields,
                create_defaults={
                    **fields,
                    "state_changed_at": self.now - datetime.timedelta(days=days_ago // 3),
                },
            )
            group_initiators = [initiator]
            if spec.state == G.STARTING and initiator != initiators[spec.contact_point]:
                # Two initiators per group are recommended for the start.
                group_initiators.append(initiators[spec.contact_point])
            self.seed_memberships(group, group_initiators, group_members, days_ago)
            # The membership services keep this count; the seed writes rows
            # directly, so it sets the count the same way they would.
            active = group.memberships.filter(
                role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE
            ).count()
            Group.objects.filter(pk=group.pk).update(
                member_count=active,
                # People who joined a demo group after an earlier seed stay
                # members, so the group grows to hold them.
                capacity=max(group.capacity, min(active, 12)),
                # Groups close after the start-up meeting; a self-run group that
                # lost a member has reopened for one more.
                open_for_new_members=spec.state in G.BEFORE_START
                or (spec.state == G.SELF_RUN and active < len(group_members)),
            )
            seeded.append(group)
        return seeded

    def seed_signatures(self) -> None:
        """Every active demo participant has signed the current pledge with the group's lines."""
        pledge = Pledge.objects.current()
        if pledge is None:
            return
        active = (
            Membership.objects.active()
            .filter(user__email__endswith=f"@{DEMO_DOMAIN}")
            .exclude(group__state=G.DRAFT)
            .select_related("user", "group")
        )
        for membership in active:
            PledgeSignature.objects.get_or_create(
                membership=membership,
                pledge=pledge,
                group_lines_revision=group_lines_revision(group=membership.group),
                defaults={"typed_name": membership.user.display_name},
            )

    def seed_open_proposal(self, group: Group, member_login: User) -> None:
        """A proposal to take a break, for the demo member to answer (once an open one is gone,
        a new one is made)."""
        if Proposal.objects.filter(group=group, status=Proposal.Status.OPEN).exists():
            return
        others = list(
            group.memberships.active()
            .filter(role=Membership.Role.MEMBER)
            .exclude(user=member_login)
            .order_by("joined_at", "pk")
        )
        proposer, agreeing = others[0], others[1]
        proposal = Proposal.objects.create(
            group=group,
            kind=Proposal.Kind.PAUSE,
            proposed_by=proposer,
            note=PROPOSAL_NOTE,
            deadline=self.now + datetime.timedelta(days=5),
        )
        Proposal.objects.filter(pk=proposal.pk).update(
            created_at=self.now - datetime.timedelta(days=2)
        )
        for membership in (proposer, agreeing):
            Answer.objects.create(proposal=proposal, membership=membership, agrees=True)

    def seed_board(self, group: Group, member_login: User) -> None:
        """A few messages from other members on the demo member's group board (once)."""
        if Post.objects.filter(group=group).exists():
            return
        others = list(
            group.memberships.active()
            .filter(role=Membership.Role.MEMBER)
            .exclude(user=member_login)
            .order_by("joined_at", "pk")
        )
        for author, (hours_ago, body) in zip(others, BOARD_POSTS, strict=False):
            Post.objects.create(
                group=group,
                membership=author,
                body=body,
                created_at=self.now - datetime.timedelta(hours=hours_ago),
            )

    def seed_memberships(
        self, group: Group, initiators: list[User], members: list[User], days_ago: int
    ) -> None:
        state = group.state
        started = self.now - datetime.timedelta(days=days_ago)
        # Initiators take part in the first meetings, then step back.
        initiator_active = state in G.GUIDED
        for initiator in initiators if state != G.DRAFT else []:
            self.membership(
                group,
                initiator,
                Membership.Role.INITIATOR,
                started,
                None if initiator_active else Membership.Status.STEPPED_BACK,
            )
        for position, user in enumerate(members):
            joined = started + datetime.timedelta(days=position % 3)
            # In an ended group everyone has left; in a larger self-run group
            # the last one to join has left again (the seat stays free).
            left = state == G.ENDED or (
                state == G.SELF_RUN and len(members) > 4 and position == len(members) - 1
            )
            status = Membership.Status.LEFT if left else None
            self.membership(group, user, Membership.Role.MEMBER, joined, status)

    def membership(
        self,
        group: Group,
        user: User,
        role: str,
        joined: datetime.datetime,
        ended_status: str | None,
    ) -> None:
        ended_at = None
        if ended_status:
            ended_at = min(joined + datetime.timedelta(days=42), self.now)
        Membership.objects.get_or_create(
            group=group,
            user=user,
            role=role,
            defaults={
                "status": ended_status or Membership.Status.ACTIVE,
                "joined_at": joined,
                "ended_at": ended_at,
            },
        )

    # --- output ---------------------------------------------------------------

    def print_logins(self) -> None:
        rows = [(demo_email(login.local_part), login.role) for login in LOGINS]
        width = max(len(email) for email, _ in rows)
        write = self.stdout.write
        write(self.style.SUCCESS("Demo data is in place. Logins:"))
        write(f"  {'e-mail'.ljust(width)}  {'password'.ljust(16)}  role")
        for email, role in rows:
            write(f"  {email.ljust(width)}  {settings.SELVHJELP_DEMO_PASSWORD:<16}  {role}")
        write(
            f"  (the {len(MEMBER_NAMES)} fictional members and {len(INITIATOR_NAMES)} volunteer "
            f"initiators use the same password; their addresses are on {DEMO_DOMAIN})"
        )
        write("")
        write("Staff roles need a TOTP code after the password. Print the current one with")
        write("  python manage.py demo_totp <e-mail>")
        write(f"or add the demo secret {DEMO_TOTP_SECRET} to an authenticator app.")
        write("Each code can be used once; wait for the next one (30 s) to log in again.")
