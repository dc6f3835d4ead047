"""Self-help groups, their themes and their members.

A group's public face (theme, description, kommune and neighbourhood,
schedule, free seats) is shown to anyone; the exact place, the digital
meeting link and the member list are group-internal.
"""

from __future__ import annotations

import datetime
import functools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core import languages, when


class Theme(models.Model):
    """A life-problem category (livsproblem), or a mixed group."""

    slug = models.SlugField(_("short name"), unique=True)
    name_nb = models.CharField(_("name (Bokmål)"), max_length=80)
    name_nn = models.CharField(
        _("name (Nynorsk)"),
        max_length=80,
        blank=True,
        help_text=_("Empty: readers of Nynorsk see the Bokmål name."),
    )
    name_en = models.CharField(_("name (English)"), max_length=80)
    is_mixed = models.BooleanField(_("mixed themes"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["sort_order", "name_nb"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return languages.pick(nb=self.name_nb, nn=self.name_nn, en=self.name_en)


WEEKDAYS_PLURAL = (
    _("Mondays"),
    _("Tuesdays"),
    _("Wednesdays"),
    _("Thursdays"),
    _("Fridays"),
    _("Saturdays"),
    _("Sundays"),
)


BYDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def parse_byday(value: str) -> list[int]:
    """Weekday numbers (Monday 0) of an RRULE BYDAY list such as "MO,TH"."""
    codes = [code.strip().upper() for code in value.split(",") if code.strip()]
    return sorted({BYDAY_CODES.index(code) for code in codes if code in BYDAY_CODES})


def validate_byday(value: str) -> None:
    codes = [code.strip().upper() for code in value.split(",")] if value else []
    if any(code not in BYDAY_CODES for code in codes) or len(set(codes)) != len(codes):
        raise ValidationError(_("Choose each meeting day once, from the days of the week."))


class PublicStatus(models.TextChoices):
    """What a seeker needs to know about joining, derived from one group row.

    The rule that derives it is ``PUBLIC_STATUS_RULE`` below.
    """

    OPEN = "open", _("Open for new members")
    STARTING_SOON = "starting_soon", _("Starting soon")
    WAITING_LIST = "waiting_list", _("Full, with waiting list")
    FULL = "full", _("Full")
    CLOSED = "closed", _("Closed for new members")
    PAUSED = "paused", _("Paused")

    # A seeker may ask to join (and the group's card shows how many seats are free, in words).
    ASK_TO_JOIN: ClassVar[tuple[PublicStatus, ...]]


PublicStatus.ASK_TO_JOIN = (PublicStatus.OPEN, PublicStatus.STARTING_SOON)


class Availability(models.TextChoices):
    """How many seats are free, in words: the public never sees a number.

    Capacity and free seats together would give every group's exact member
    count, and undo the statistics' rule that hides small numbers.
    """

    SEATS = "seats", _("Seats available")
    FEW_SEATS = "few_seats", _("Few seats left")
    FULL = "full", _("Full")


# At most this many free seats read «few seats left».
FEW_SEATS = 2


def availability_of(*, free_seats: int) -> Availability:
    if free_seats <= 0:
        return Availability.FULL
    if free_seats <= FEW_SEATS:
        return Availability.FEW_SEATS
    return Availability.SEATS


class GroupQuerySet(models.QuerySet["Group"]):
    def public(self) -> GroupQuerySet:
        """Groups anyone may see: published and not ended (``Group.State.ACTIVE``).

        Written as the exclusion of the other states, the statement the finder's
        query plans were measured with.
        """
        return self.exclude(state__in=[s for s in Group.State if s not in Group.State.ACTIVE])


# What the finder's filters and the public states read: the lists without a place
# carry them in their indexes (PostgreSQL's INCLUDE), so a filtered list is read from
# the index alone, without a visit to the table for every group it passes over
# (0.1–0.6 ms against 2–5 ms at 100k groups, more when the table is not in memory).
FINDER_FILTER_COLUMNS = [
    "state",
    "theme",
    "weekday",
    "start_time",
    "open_for_new_members",
    "member_count",
    "capacity",
]


def inside_token_new() -> str:
    """A fresh address for a group's inside: random, so it names nothing."""
    return secrets.token_urlsafe(12)


class WeeklySchedule:
    """A regular meeting time in words and times, for anything with its five fields
    (``cadence``, ``weekday``, ``custom_days``, ``start_time``, ``duration_minutes``):
    a ``Group``, and the finder's ``cards.Card``."""

    __slots__ = ()
    cadence: str
    weekday: int
    custom_days: str
    start_time: datetime.time
    duration_minutes: int

    @property
    def end_time(self) -> datetime.time:
        return end_time_of(self.start_time, self.duration_minutes)

    @property
    def meeting_weekdays(self) -> list[int]:
        """The weekdays the group meets on (Monday 0)."""
        return weekdays_of(self.cadence, self.weekday, self.custom_days)

    @property
    def cadence_text(self) -> str:
        """The schedule in plain words, e.g. «tirsdager kl. 18.00–20.00, hver uke»."""
        return cadence_text_of(
            cadence=self.cadence,
            weekday=self.weekday,
            custom_days=self.custom_days,
            start_time=self.start_time,
            duration_minutes=self.duration_minutes,
        )


class Group(WeeklySchedule, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FORMING = "forming", _("Forming")
        STARTING = "starting", _("Starting")
        SELF_RUN = "self_run", _("Self-run")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

        # Named sets of states, assigned below the class once the members
        # exist. Code and templates use these instead of spelling a set out.
        PUBLISHED: ClassVar[tuple[Group.State, ...]]
        ACTIVE: ClassVar[tuple[Group.State, ...]]
        GUIDED: ClassVar[tuple[Group.State, ...]]
        JOINABLE: ClassVar[tuple[Group.State, ...]]
        MEETING: ClassVar[tuple[Group.State, ...]]
        STARTED: ClassVar[tuple[Group.State, ...]]
        RUNS_ITSELF: ClassVar[tuple[Group.State, ...]]
        BEFORE_START: ClassVar[tuple[Group.State, ...]]

    # Published, in the order of a group's life (the statistics' columns).
    State.PUBLISHED = (State.FORMING, State.STARTING, State.SELF_RUN, State.PAUSED, State.ENDED)
    # Published and not ended: anyone may see the group, the statistics count
    # it as running, and it can still end.
    State.ACTIVE = (State.FORMING, State.STARTING, State.SELF_RUN, State.PAUSED)
    # Published, with initiators guiding the start: they decide on new
    # members, and invitations from the interest list can still be accepted.
    State.GUIDED = (State.FORMING, State.STARTING)
    # The group takes new members when it is open to them.
    State.JOINABLE = (State.FORMING, State.STARTING, State.SELF_RUN)
    # The group meets: stored meetings, reminders, host turns.
    State.MEETING = (State.STARTING, State.SELF_RUN)
    # The first meetings have begun and the group has not ended.
    State.STARTED = (State.STARTING, State.SELF_RUN, State.PAUSED)
    # The initiators have stepped back: every member has the same say.
    State.RUNS_ITSELF = (State.SELF_RUN, State.PAUSED)
    # Not started yet: the set-up can still be changed.
    State.BEFORE_START = (State.DRAFT, State.FORMING)

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        DIGITAL = "digital", _("Digital")

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("every week")
        FORTNIGHTLY = "fortnightly", _("every other week")
        CUSTOM = "custom", _("on chosen days every week")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    class Admission(models.TextChoices):
        OPEN = "open", _("Any member may accept new members")
        CLOSED = "closed", _("All members must agree to new members")

    slug = models.SlugField(_("address name"), unique=True, max_length=80)
    # The inside pages, e-mail and SMS links and calendar events carry this
    # token instead of the slug: the slug says the group's name and town, and
    # addresses end up in access logs, mailboxes and calendar providers.
    inside_token = models.CharField(
        _("inside address"), max_length=32, unique=True, default=inside_token_new, editable=False
    )
    name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_("A neutral name that does not reveal the theme, e.g. 'Tirsdagsgruppa'."),
    )
    theme = models.ForeignKey(
        Theme, verbose_name=_("theme"), on_delete=models.PROTECT, related_name="groups"
    )
    description = models.TextField(_("short description"), max_length=600, blank=True)
    contact_point = models.ForeignKey(
        "organisations.ContactPoint",
        verbose_name=_("contact point"),
        on_delete=models.PROTECT,
        related_name="groups",
    )
    format = models.CharField(
        _("format"), max_length=12, choices=Format.choices, default=Format.IN_PERSON
    )
    kommune = models.ForeignKey(
        "places.Kommune",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="groups",
    )
    area = models.CharField(_("neighbourhood"), max_length=80, blank=True)
    # The meeting area (kommune centre or a point the initiator picked),
    # never a member's location; shown as approximate.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # Group-internal.
    place = models.CharField(_("exact meeting place"), max_length=200, blank=True)
    meeting_url = models.URLField(_("digital meeting link"), blank=True)

    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, default=Weekday.TUESDAY
    )
    start_time = models.TimeField(_("starts at"), default=datetime.time(18, 0))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=120,
        validators=[MinValueValidator(30), MaxValueValidator(240)],
    )
    cadence = models.CharField(
        _("how often"), max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    # RRULE BYDAY list for ``Cadence.CUSTOM``, e.g. "MO,TH"; empty otherwise.
    custom_days = models.CharField(
        _("meeting days"),
        max_length=20,
        blank=True,
        validators=[validate_byday],
        help_text=_("For groups that meet on chosen days, e.g. Mondays and Thursdays."),
    )
    # Fortnightly meetings count their weeks from here (the Monday of the
    # week the schedule was set), so that the parity survives pauses.
    schedule_anchor = models.DateField(_("schedule counted from"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nb"
    )
    age_min = models.PositiveSmallIntegerField(
        _("youngest age"), default=18, validators=[MinValueValidator(18)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("oldest age"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("seats"), default=8, validators=[MinValueValidator(2), MaxValueValidator(12)]
    )
    open_for_new_members = models.BooleanField(
        _("open for new members"),
        default=True,
        help_text=_("Groups are usually closed after the start-up meeting; reopening is a choice."),
    )
    # Active members (initiators not counted), kept by the membership services
    # under a row lock; the finder filters and sorts on it without a join.
    member_count = models.PositiveSmallIntegerField(_("members"), default=0)
    admission = models.CharField(
        _("new members"), max_length=8, choices=Admission.choices, default=Admission.CLOSED
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Set by the lifecycle transitions ``start`` and ``become_self_run``: the
    # statistics read them here, where retention does not reach (audit rows
    # lose their target after 180 days).
    started_at = models.DateTimeField(_("first meetings started"), null=True, blank=True)
    self_run_at = models.DateTimeField(_("running itself since"), null=True, blank=True)
    two_initiators = models.BooleanField(
        _("two initiators share the start"),
        default=False,
        help_text=_("Selvhjelp Norge recommends two initiators per group."),
    )
    contact_person = models.ForeignKey(
        "Membership",
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The member who is the group's contact towards the contact point, in turn."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = GroupQuerySet.as_manager()

    # Set by the finder's nearest-first queries (metres from the search point).
    distance_m: float | None = None

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=2, capacity__lte=12), name="groups_group_capacity_2_12"
            ),
            models.CheckConstraint(condition=Q(age_min__gte=18), name="groups_group_adults_only"),
            models.CheckConstraint(
                condition=Q(age_max__isnull=True) | Q(age_max__gte=models.F("age_min")),
                name="groups_group_age_band_ordered",
            ),
            models.CheckConstraint(
                condition=Q(format="digital")
                | Q(kommune__isnull=False, latitude__isnull=False, longitude__isnull=False),
                name="groups_group_in_person_has_place",
            ),
            models.CheckConstraint(
                condition=Q(member_count__lte=models.F("capacity")),
                name="groups_group_members_within_capacity",
            ),
            models.CheckConstraint(
                condition=~Q(cadence="custom") | ~Q(custom_days=""),
                name="groups_group_custom_cadence_has_days",
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="groups_group_lat_lon"),
            models.Index(fields=["state", "format"], name="groups_group_state_format"),
            # The finder's digital-groups list, read in name order (see docs/benchmarks.md).
            models.Index(
                fields=["name", "id"],
                condition=Q(format="digital"),
                include=FINDER_FILTER_COLUMNS,
                name="groups_group_digital_name",
            ),
            # The in-person list without a place: each kommune's groups in name order
            # (``search.in_person_pages``).
            models.Index(
                fields=["kommune", "name", "id"],
                condition=Q(format="in_person"),
                include=FINDER_FILTER_COLUMNS,
                name="groups_group_kommune_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", kwargs={"slug": self.slug})

    def inside_url(self, name: str = "groups:inside", *args: object, **kwargs: object) -> str:
        """The one way to build an address inside the group (``{% inside_url %}`` in templates).

        Inside addresses name the group by its opaque ``inside_token``, never by its slug.
        """
        if args:
            return reverse(name, args=[self.inside_token, *args])
        return reverse(name, kwargs={"token": self.inside_token, **kwargs})

    @property
    def is_full(self) -> bool:
        return self.member_count >= self.capacity

    @property
    def public_status(self) -> str:
        """What the page and the API say about joining (``PUBLIC_STATUS_RULE``)."""
        return public_status_of(
            state=self.state, full=self.is_full, open_for_new_members=self.open_for_new_members
        )

    @property
    def may_ask_to_join(self) -> bool:
        return self.public_status in PublicStatus.ASK_TO_JOIN

    def get_public_status_display(self) -> str:
        return str(PublicStatus(self.public_status).label)

    @property
    def free_seats(self) -> int:
        """For members and staff only; the public sees ``availability``."""
        return max(0, self.capacity - self.member_count)

    @property
    def availability(self) -> Availability:
        return availability_of(free_seats=self.free_seats)

    def get_availability_display(self) -> str:
        return str(self.availability.label)

    @property
    def is_digital(self) -> bool:
        return self.format == self.Format.DIGITAL

    @property
    def age_band(self) -> str:
        if self.age_max:
            return f"{self.age_min}–{self.age_max}"
        return f"{self.age_min}+"


@dataclass(frozen=True)
class Facts:
    """A condition on the three facts a group's public status depends on.

    ``None`` is "whatever it is". The same condition is tested on a row in
    Python (``holds``) and turned into SQL (``q``).
    """

    states: tuple[str, ...] | None = None
    full: bool | None = None
    open_for_new_members: bool | None = None

    def holds(self, *, state: str, full: bool, open_for_new_members: bool) -> bool:
        return (
            (self.states is None or state in self.states)
            and (self.full is None or full == self.full)
            and (
                self.open_for_new_members is None
                or open_for_new_members == self.open_for_new_members
            )
        )

    def q(self) -> Q:
        q = Q()
        if self.states is not None:
            q &= Q(state__in=self.states)
        if self.full is not None:
            if self.full:
                q &= Q(member_count__gte=F("capacity"))
            else:
                q &= Q(member_count__lt=F("capacity"))
        if self.open_for_new_members is not None:
            q &= Q(open_for_new_members=self.open_for_new_members)
        return q


# The public status of a group: the first status whose condition holds. The
# group page and the API read it from the row (``Group.public_status``); the
# finder's status filter is derived from it (``public_status_q``).
PUBLIC_STATUS_RULE: tuple[tuple[PublicStatus, Facts], ...] = (
    (PublicStatus.PAUSED, Facts(states=(Group.State.PAUSED,))),
    # A waiting list exists only where a seeker can join one: a group that
    # takes new members and is open to them (``joining.services.waiting_list_join``).
    (
        PublicStatus.WAITING_LIST,
        Facts(states=Group.State.JOINABLE, full=True, open_for_new_members=True),
    ),
    (PublicStatus.FULL, Facts(full=True)),
    (PublicStatus.STARTING_SOON, Facts(states=(Group.State.FORMING,))),
    (PublicStatus.OPEN, Facts(open_for_new_members=True)),
    (PublicStatus.CLOSED, Facts()),
)


def cadence_text_of(
    *,
    cadence: str,
    weekday: int,
    custom_days: str,
    start_time: datetime.time,
    duration_minutes: int,
) -> str:
    """A schedule in plain words in the active language (``Group.cadence_text``)."""
    return _cadence_text(
        translation.get_language(), cadence, weekday, custom_days, start_time, duration_minutes
    )


@functools.lru_cache(maxsize=4096)
def _cadence_text(
    language: str | None,
    cadence: str,
    weekday: int,
    custom_days: str,
    start_time: datetime.time,
    duration_minutes: int,
) -> str:
    # A few thousand schedules in three languages: each is worded once per process.
    end_time = end_time_of(start_time, duration_minutes)
    if cadence == Group.Cadence.CUSTOM:
        days = weekdays_of(cadence, weekday, custom_days)
        return str(
            _("%(days)s %(start)s–%(end)s")
            % {
                "days": _(" and ").join(str(WEEKDAYS_PLURAL[day]) for day in days),
                "start": when.clock(start_time),
                "end": when.clock(end_time),
            }
        )
    return str(
        _("%(days)s %(start)s–%(end)s, %(cadence)s")
        % {
            "days": WEEKDAYS_PLURAL[weekday],
            "start": when.clock(start_time),
            "end": when.clock(end_time),
            "cadence": Group.Cadence(cadence).label,
        }
    )


def end_time_of(start_time: datetime.time, duration_minutes: int) -> datetime.time:
    start = datetime.datetime.combine(datetime.date(2000, 1, 3), start_time)
    return (start + datetime.timedelta(minutes=duration_minutes)).time()


def weekdays_of(cadence: str, weekday: int, custom_days: str) -> list[int]:
    """The weekdays a schedule meets on (Monday 0)."""
    if cadence == Group.Cadence.CUSTOM:
        return parse_byday(custom_days) or [weekday]
    return [weekday]


def public_status_of(*, state: str, full: bool, open_for_new_members: bool) -> PublicStatus:
    for status, facts in PUBLIC_STATUS_RULE:
        if facts.holds(state=state, full=full, open_for_new_members=open_for_new_members):
            return status
    raise AssertionError("the rule ends with a condition that always holds")


def _merged(terms: list[Facts], fact: str) -> list[Facts]:
    """Join each pair of terms that differ only in ``fact``: there it does not matter."""
    merged: list[Facts] = []
    for term in terms:
        anyhow = replace(term, **{fact: None})
        twin = next((m for m in merged if replace(m, **{fact: None}) == anyhow), None)
        if twin is None:
            merged.append(term)
        else:
            merged[merged.index(twin)] = anyhow
    return merged


def public_status_q(statuses: Iterable[str], *, states: tuple[str, ...] = Group.State.ACTIVE) -> Q:
    """SQL condition: groups in ``states`` whose public status is one of ``statuses``.

    Derived from ``PUBLIC_STATUS_RULE`` by evaluating it for every
    combination of state, full and open: the condition names the states
    outright (``state IN (...)``), which keeps the finder's filter as plain
    as a hand-written one. By default only the states anyone may see.
    """
    wanted = {str(status) for status in statuses}
    combined = Q(pk__in=[])
    for status in PublicStatus:
        if status.value not in wanted:
            continue
        terms = []
        for full in (False, True):
            for open_ in (False, True):
                matching = tuple(
                    state
                    for state in states
                    if public_status_of(state=state, full=full, open_for_new_members=open_)
                    == status
                )
                if matching:
                    terms.append(Facts(states=matching, full=full, open_for_new_members=open_))
        for term in _merged(_merged(terms, "open_for_new_members"), "full"):
            combined |= term.q()
    return combined


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=Membership.Status.ACTIVE)


class Membership(models.Model):
    """A person's place in a group, as member or as initiator during the start."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        INITIATOR = "initiator", _("Initiator")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LEFT = "left", _("Left")
        STEPPED_BACK = "stepped_back", _("Stepped back")

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.ACTIVE
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    hosts = models.BooleanField(
        _("takes turns as host"),
        default=False,
        help_text=_(
            "Opens the room, makes coffee and greets newcomers in the weeks it is your turn."
        ),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status="active"),
                name="groups_membership_one_active_per_user",
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_at__isnull=True)
                | (~Q(status="active") & Q(ended_at__isnull=False)),
                name="groups_membership_ended_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.group} ({self.get_role_display()})"


class HostTurn(models.Model):
    """Who is host of the week (vert): opens the room, makes coffee, greets."""

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="host_turns"
    )
    week = models.DateField(_("week starting"), help_text=_("The Monday of the week."))
    membership = models.ForeignKey(
        Membership, verbose_name=_("host"), on_delete=models.CASCADE, related_name="host_turns"
    )

    class Meta:
        verbose_name = _("host turn")
        verbose_name_plural = _("host turns")
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(fields=["group", "week"], name="groups_hostturn_one_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.week:%Y-%m-%d}"


class SupportRequest(models.Model):
    """A group asks its follow-up contacts for help ("vi trenger støtte").

    Seen by the group's members, the initiators who guided it and the
    contact point's staff; nobody else.
    """

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="support_requests"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("message"), max_length=1000)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField(_("answer"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"


class GroupInvitation(models.Model):
    """An invitation to a forming group, sent to someone on the interest list."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited"),
        on_delete=models.CASCADE,
        related_name="group_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("group invitation")
        verbose_name_plural = _("group invitations")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groups_invitation_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class InitiatorInvitation(models.Model):
    """A staff invitation (``organisations.StaffInvitation``) to guide this group's start.

    Sent by the contact point's staff or by an initiator of the group: to a
    co-initiator, or (``hands_over``) to someone who takes over the sender's
    role. Accepting the staff invitation makes the person an initiator of the
    group (``services.initiator_invitation_accepted``).
    """

    group = models.ForeignKey(
        Group,
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="initiator_invitations",
    )
    staff_invitation = models.OneToOneField(
        "organisations.StaffInvitation",
        verbose_name=_("invitation"),
        on_delete=models.CASCADE,
        related_name="initiator_of",
    )
    # The initiator who hands the role over, or None for a co-initiator.
    hands_over = models.ForeignKey(
        Membership,
        verbose_name=_("takes over from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("initiator invitation")
        verbose_name_plural = _("initiator invitations")

    def __str__(self) -> str:
        return f"#{self.pk}"


class StartChecklistTick(models.Model):
    """One ticked item of the initiators' guide to the first meetings, shared by them."""

    group = models.ForeignKey(
        Group, verbose_name=_("group"), on_delete=models.CASCADE, related_name="start_checklist"
    )
    item = models.CharField(_("item"), max_length=40)
    ticked_by = models.ForeignKey(
        Membership,
        verbose_name=_("ticked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticked_at = models.DateTimeField(_("ticked"), auto_now_add=True)

    class Meta:
        verbose_name = _("start checklist item")
        verbose_name_plural = _("start checklist items")
        constraints = [
            models.UniqueConstraint(fields=["group", "item"], name="groups_checklist_item_once"),
        ]

    def __str__(self) -> str:
        return self.item
