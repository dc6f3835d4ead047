"""Fill a development database with demo data: ``python manage.py seed_demo``.

Creates contact points of every kind in all seven districts, some 35 groups in
every lifecycle state, fictional members with pseudonyms, and one login per
role. Every person, address and number here is made up: e-mail addresses are
under ``demo.selvhjelp.example``, other domains end in ``.example``, and phone
numbers start with 0, which no Norwegian eight-digit number does.

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
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from demo.meetings import seed_demo_meetings
from groups.models import Group, Membership, Theme
from organisations.models import ContactPoint, District, StaffRole
from places.models import Kommune

DEMO_DOMAIN = "demo.selvhjelp.example"
# Public on purpose (base32, 20 bytes): demo staff log in with it. Never use
# it anywhere but a development database.
DEMO_TOTP_SECRET = "SELVHJELPDEMOSELVHJELPDEMO234567"  # noqa: S105
SEED = 2024

G = Group.State
K = ContactPoint.Kind
W = Group.Weekday


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


def ascii_slug(text: str) -> str:
    """A slug that keeps Norwegian letters readable (ø -> o, not dropped)."""
    for letter, plain in (("æ", "ae"), ("ø", "o"), ("å", "a"), ("Æ", "Ae"), ("Ø", "O"), ("Å", "A")):
        text = text.replace(letter, plain)
    return slugify(text)


# --- Who ------------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    local_part: str
    display_name: str
    role: str  # shown in the table of logins
    staff_role: str | None = None
    scope: str | None = None  # contact point slug or district slug


LOGINS = [
    Login("seeker", "Sol", "seeker (no group yet)"),
    Login("member", "Fjellrev", "member of two groups"),
    Login("initiator", "Kari", "initiator (Drammen)", StaffRole.Kind.INITIATOR, "friskliv-drammen"),
    Login(
        "contact-point",
        "Ingrid",
        "contact-point staff (Drammen)",
        StaffRole.Kind.CONTACT_POINT_STAFF,
        "friskliv-drammen",
    ),
    Login(
        "district",
        "Arne",
        "district staff (Buskerud, Vestfold og Telemark)",
        StaffRole.Kind.DISTRICT_STAFF,
        "buskerud-vestfold-telemark",
    ),
    Login("admin", "Admin", "national admin (+ admin site)", StaffRole.Kind.NATIONAL_ADMIN),
]

# Pseudonyms of the fictional members: first names, nicknames, made-up names.
MEMBER_NAMES = [
    "Måke", "Lin", "Bjørk", "Ask", "Siri", "Tor", "Nora", "Elg", "Havørn", "Lyng",
    "Mari", "Runa", "Stein", "Tiril", "Vidar", "Aud", "Maja", "Eli", "Frode", "Gro",
    "Hege", "Jon", "Kim", "Liv", "Mona", "Nils", "Oda", "Per", "Rakel", "Sindre",
    "Trine", "Unni", "Vera", "Ylva", "Åse", "Øyvind", "Rev", "Ekorn", "Lerke", "Svale",
]  # fmt: skip

# Fictional volunteer initiators, one per contact point (in CONTACT_POINTS order).
INITIATOR_NAMES = [
    "Hilde", "Bjørn", "Anne", "Geir", "Turid", "Svein", "Marit", "Odd", "Randi",
    "Knut", "Solveig", "Terje", "Berit", "Arvid", "Wenche", "Rolf", "Kirsten",
]  # fmt: skip


# --- Where ----------------------------------------------------------------------

# slug, name, kind, kommune number
# fmt: off
CONTACT_POINTS = [
    ("friskliv-drammen", "Frisklivssentralen i Drammen", K.FRISKLIVSSENTRAL, "3301"),
    ("diakoni-tonsberg", "Diakonitjenesten i Tønsberg", K.OTHER, "3905"),
    ("frivilligsentral-skien", "Skien frivilligsentral", K.FRIVILLIGHETSSENTRAL, "4003"),
    ("frivilligsentral-tromso", "Tromsø frivilligsentral", K.FRIVILLIGHETSSENTRAL, "5501"),
    ("friskliv-bodo", "Frisklivssentralen i Bodø", K.FRISKLIVSSENTRAL, "1804"),
    ("frivilligsentral-alta", "Alta frivilligsentral", K.FRIVILLIGHETSSENTRAL, "5601"),
    ("lms-bergen", "Lærings- og mestringssenteret, sykehuset i Bergen", K.LMS, "4601"),
    ("frivilligsentral-voss", "Voss frivilligsentral", K.FRIVILLIGHETSSENTRAL, "4621"),
    ("brukerforeningen-trondheim", "Brukerforeningen for psykisk helse Trondheim",
     K.USER_ORGANISATION, "5001"),
    ("friskliv-alesund", "Frisklivssentralen i Ålesund", K.FRISKLIVSSENTRAL, "1508"),
    ("friskliv-sandnes", "Frisklivssentralen i Sandnes", K.FRISKLIVSSENTRAL, "1108"),
    ("lms-kristiansand", "Lærings- og mestringssenteret i Kristiansand", K.LMS, "4204"),
    ("frivilligsentral-brumunddal", "Brumunddal frivilligsentral", K.FRIVILLIGHETSSENTRAL,
     "3411"),
    ("friskliv-hamar", "Frisklivssentralen i Hamar", K.FRISKLIVSSENTRAL, "3403"),
    ("frivilligsentral-grunerlokka", "Grünerløkka frivilligsentral", K.FRIVILLIGHETSSENTRAL,
     "0301"),
    ("lms-lillestrom", "Lærings- og mestringssenteret i Lillestrøm", K.LMS, "3205"),
    ("likeperson-fredrikstad", "Likepersonsforeningen i Fredrikstad", K.USER_ORGANISATION,
     "3107"),
]
# fmt: on

ROOMS = ["møterom 2", "grupperommet, 1. etasje", "peisestua", "møterom Fjellet", "lille sal"]


# --- What -----------------------------------------------------------------------


WEEKDAYS = {
    "mon": W.MONDAY,
    "tue": W.TUESDAY,
    "wed": W.WEDNESDAY,
    "thu": W.THURSDAY,
    "fri": W.FRIDAY,
}


@dataclass(frozen=True)
class GroupSpec:
    contact_point: str
    name: str
    theme: str
    state: str
    when: str  # "tue 18:00"
    area: str = ""  # empty: a digital group
    fortnightly: bool = False
    language: str = "nb"

    @property
    def digital(self) -> bool:
        return not self.area


def _specs(rows: list[tuple[Any, ...]]) -> list[GroupSpec]:
    """Rows of (contact point, name, theme, state, when, area[, options])."""
    return [GroupSpec(*row[:6], **(row[6] if len(row) > 6 else {})) for row in rows]


# Neutral names that do not reveal the theme; an empty neighbourhood means digital.
# fmt: off
GROUPS = _specs([
    # Buskerud, Vestfold og Telemark
    ("friskliv-drammen", "Tirsdagsgruppa", "angst", G.SELF_RUN, "tue 18:00", "Bragernes"),
    ("friskliv-drammen", "Torsdagsgruppa", "sorg", G.STARTING, "thu 17:30", "Strømsø"),
    ("friskliv-drammen", "Mandagsgruppa", "ensomhet", G.FORMING, "mon 18:30", "Åssiden"),
    ("friskliv-drammen", "Kveldsgruppa", "utbrenthet", G.DRAFT, "wed 19:00", "Bragernes"),
    ("friskliv-drammen", "Onsdagsgruppa", "samlivsbrudd", G.ENDED, "wed 18:00", "Strømsø",
     {"fortnightly": True}),
    ("friskliv-drammen", "Nettgruppa på tirsdager", "blandet", G.STARTING, "tue 20:00", ""),
    ("diakoni-tonsberg", "Fredagsgruppa", "depresjon", G.SELF_RUN, "fri 12:00", "Sentrum",
     {"fortnightly": True}),
    ("diakoni-tonsberg", "Formiddagsgruppa", "parorende", G.PAUSED, "thu 10:30", "Sentrum"),
    ("frivilligsentral-skien", "Onsdagsgruppa", "kronisk-sykdom", G.FORMING, "wed 17:00",
     "Sentrum"),
    # Nord-Norge
    ("frivilligsentral-tromso", "Nordlysgruppa", "ensomhet", G.SELF_RUN, "tue 18:00", "Sentrum"),
    ("frivilligsentral-tromso", "Tirsdagsgruppa", "sorg", G.FORMING, "tue 17:00", "Tromsdalen"),
    ("frivilligsentral-tromso", "Nettgruppa på onsdager", "me-utmattelse", G.SELF_RUN,
     "wed 19:00", ""),
    ("friskliv-bodo", "Torsdagsgruppa", "angst", G.STARTING, "thu 18:00", "Sentrum"),
    ("frivilligsentral-alta", "Mandagsgruppa", "parorende-rus", G.PAUSED, "mon 18:00", "Bossekop"),
    ("frivilligsentral-alta", "Kveldsgruppa", "depresjon", G.DRAFT, "wed 19:00", "Sentrum"),
    # Vestland
    ("lms-bergen", "Onsdagsgruppa", "kronisk-sykdom", G.SELF_RUN, "wed 16:30", "Sentrum"),
    ("lms-bergen", "Mandagsgruppa", "spiseforstyrrelser", G.STARTING, "mon 17:00", "Sentrum"),
    ("lms-bergen", "Nettgruppa på mandager", "angst", G.FORMING, "mon 20:00", ""),
    ("frivilligsentral-voss", "Tysdagsgruppa", "overgangsfaser", G.ENDED, "tue 18:00",
     "Vossevangen"),
    # Midt-Norge
    ("brukerforeningen-trondheim", "Torsdagsgruppa", "depresjon", G.SELF_RUN, "thu 18:00",
     "Midtbyen"),
    ("brukerforeningen-trondheim", "Fredagsgruppa", "traumer-vold", G.FORMING, "fri 17:00",
     "Lade"),
    ("friskliv-alesund", "Tirsdagsgruppa", "samlivsbrudd", G.SELF_RUN, "tue 19:00", "Sentrum"),
    ("friskliv-alesund", "Mandagsgruppa", "selvfolelse", G.ENDED, "mon 18:00", "Spjelkavik"),
    # Rogaland og Agder
    ("friskliv-sandnes", "Onsdagsgruppa", "utbrenthet", G.SELF_RUN, "wed 18:00", "Sentrum"),
    ("friskliv-sandnes", "Tirsdagsgruppa", "etterlatte-selvmord", G.STARTING, "tue 18:30",
     "Ganddal"),
    ("lms-kristiansand", "Torsdagsgruppa", "kronisk-sykdom", G.PAUSED, "thu 14:00",
     "Kvadraturen"),
    ("lms-kristiansand", "Mandagsgruppa", "parorende", G.DRAFT, "mon 18:00", "Vågsbygd"),
    # Innlandet
    ("frivilligsentral-brumunddal", "Tirsdagsgruppa", "ensomhet", G.SELF_RUN, "tue 11:00",
     "Brumunddal"),
    ("friskliv-hamar", "Torsdagsgruppa", "angst", G.FORMING, "thu 18:00", "Sentrum"),
    ("friskliv-hamar", "Onsdagsgruppa", "sorg", G.ENDED, "wed 18:00", "Sentrum",
     {"fortnightly": True}),
    # Oslo, Akershus og Østfold
    ("frivilligsentral-grunerlokka", "Torsdagsgruppa", "angst", G.SELF_RUN, "thu 18:00",
     "Grünerløkka"),
    ("frivilligsentral-grunerlokka", "Mandagsgruppa", "depresjon", G.STARTING, "mon 17:30",
     "Tøyen"),
    ("frivilligsentral-grunerlokka", "Thursday online group", "samlivsbrudd", G.SELF_RUN,
     "thu 20:00", "", {"language": "en"}),
    ("lms-lillestrom", "Onsdagsgruppa", "me-utmattelse", G.FORMING, "wed 12:00",
     "Lillestrøm sentrum"),
    ("likeperson-fredrikstad", "Tirsdagsgruppa", "avhengighet", G.STARTING, "tue 19:00",
     "Gamlebyen"),
])
# fmt: on

DESCRIPTIONS: dict[str, str] = {
    G.DRAFT: "En ny samtalegruppe under planlegging.",
    G.FORMING: "Vi samler interesserte og starter når vi er minst fire.",
    G.STARTING: "Gruppa er i gang med de første møtene sammen med igangsetter.",
    G.SELF_RUN: "En selvdrevet samtalegruppe. Nye medlemmer tas inn når alle er enige.",
    G.PAUSED: "Gruppa tar en pause og starter opp igjen senere.",
    G.ENDED: "Gruppa er avsluttet.",
}

# (youngest, oldest) age bands; at most about 15 years apart, as recommended.
AGE_BANDS = [(18, None), (18, 33), (25, 40), (30, 45), (40, 55), (50, 65), (60, None)]

# How many ordinary members each state has (low, high).
MEMBERS_BY_STATE: dict[str, tuple[int, int]] = {
    G.DRAFT: (0, 0),
    G.FORMING: (1, 3),
    G.STARTING: (4, 6),
    G.SELF_RUN: (4, 7),
    G.PAUSED: (3, 5),
    G.ENDED: (3, 6),
}

# The groups (by index in GROUPS) the demo "member" login belongs to, and the
# ones the demo "initiator" login starts.
MEMBER_LOGIN_GROUPS = (0, 5)
INITIATOR_LOGIN_GROUPS = (1, 2, 3)


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
            self.seed_groups(contact_points, logins, initiators, members)
            seed_demo_meetings(now=self.now)
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
    ) -> None:
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        seen_slugs: set[str] = set()
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
                open_for_new_members=spec.state in (G.DRAFT, G.FORMING)
                or (spec.state == G.SELF_RUN and active < len(group_members)),
            )

    def seed_memberships(
        self, group: Group, initiators: list[User], members: list[User], days_ago: int
    ) -> None:
        state = group.state
        started = self.now - datetime.timedelta(days=days_ago)
        # Initiators take part in the first meetings, then step back.
        initiator_active = state in (G.FORMING, G.STARTING)
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
