"""The fictional people, places and groups that ``seed_demo`` puts in a database.

Every person, address and number here is made up: e-mail addresses are under
``DEMO_DOMAIN``, other domains end in ``.example``, and phone numbers start
with 0, which no Norwegian eight-digit number does. Group names are neutral
and never reveal a theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.text import slugify

from groups.models import Group
from organisations.models import ContactPoint, StaffRole

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

# The self-run group (by index in GROUPS, one of the demo member's) with an
# open proposal for the demo member to answer.
PROPOSAL_GROUP = 0
PROPOSAL_NOTE = "Mange av oss er bortreist i juli. Skal vi ta sommerpause og møtes igjen i august?"
# Messages on the demo member's group board, oldest first (hours ago, text).
BOARD_POSTS = (
    (30, "Jeg tar med kaffe og noe å bite i på torsdag."),
    (3, "Husk at vi er i det lille møterommet denne uka, det store er opptatt."),
)
