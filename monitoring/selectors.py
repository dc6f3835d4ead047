"""The dashboard's numbers, aggregated in the database.

Every function takes a ``filters.Scope`` and returns a ``Table``: the same
rows feed the page, its charts and the CSV export. Counts of people go
through ``suppression`` (base cells below ``SELVHJELP_SUPPRESS_BELOW``, 3,
never reach a number). The number
of queries does not depend on the amount of data.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import languages
from groups import follow_up as follow_up_rule
from groups.models import Group, SupportRequest, Theme
from groups.search import great_circle_m
from interest.models import InterestRegistration
from meetings.models import Meeting
from organisations.models import ContactPoint
from places.models import Kommune

from .filters import OSLO, Scope
from .models import MeetingCell
from .suppression import people, people_total, published_cell, rollup, threshold

State = Group.State
FOLLOW_UP_LIMIT = 200


@dataclass
class Table:
    """One table of the dashboard: a caption, column headings and rows.

    ``people_columns`` are the indexes of columns holding counts of people
    (already suppressed). ``total`` is a row of the same shape, or None.
    """

    key: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    total: list[Any] | None = None
    people_columns: tuple[int, ...] = ()
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _theme_name(theme: Theme | dict[str, Any]) -> str:
    if isinstance(theme, Theme):
        return theme.name
    return languages.pick(
        nb=theme["name_nb"], nn=theme.get("name_nn", ""), en=theme.get("name_en", "")
    )


def _month_key(value: Any) -> str:
    """A month from the database (date, datetime or text) as "YYYY-MM"."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m")
    return str(value)[:7]


def _month_label(month: datetime.date) -> str:
    return month.strftime("%Y-%m")


def scoped_groups(scope: Scope) -> QuerySet[Group]:
    """Published groups (drafts are nobody's business yet) in the scope."""
    return Group.objects.exclude(state=State.DRAFT).filter(scope.area_q())


def _area() -> Coalesce:
    return Coalesce(F("kommune_id"), F("contact_point__kommune_id"))


def _group_cells(scope: Scope) -> QuerySet[Any]:
    """Groups by (state, theme, area kommune, contact point), with their members."""
    return (
        scoped_groups(scope)
        .annotate(
            k_state=F("state"), k_theme=F("theme_id"), k_area=_area(), k_cp=F("contact_point_id")
        )
        .values("k_state", "k_theme", "k_area", "k_cp")
        .annotate(n_groups=Count("pk"), n_people=Sum("member_count"))
    )


MemberRollups = dict[str, dict[Any, Any]]
_ROLLUP_KEYS = ("k_state", "k_theme", "k_area")


def member_rollups(scope: Scope) -> MemberRollups:
    """Groups and members by state (all), by theme and by area (running groups),
    and groups by contact point and state, in one statement over one scan.

    The base cells of members are (state, theme, area kommune): the groups are
    read once (``base``), summed into base cells (``cells``), and those are
    summed three ways with ``UNION ALL``; contact points count groups only.
    Values: (groups, published members, raw members); for ``k_cp`` a dict
    state -> groups.
    """
    empty: MemberRollups = {key: {} for key in (*_ROLLUP_KEYS, "k_cp")}
    try:
        sql, params = _group_cells(scope).order_by().query.sql_with_params()
    except EmptyResultSet:
        return empty
    quote = connection.ops.quote_name
    active = ", ".join(["%s"] * len(State.ACTIVE))
    parts = []
    for index, key in enumerate(_ROLLUP_KEYS):
        col = f"c.{quote(key)}"
        where = f" WHERE c.{quote('k_state')} IN ({active})" if key != "k_state" else ""
        parts.append(
            f"SELECT {index}, CAST({col} AS TEXT), CAST(NULL AS TEXT), SUM(c.n_groups), "  # noqa: S608
            f"SUM(CASE WHEN c.n_people >= {threshold():d} THEN c.n_people ELSE 0 END), "
            f"SUM(c.n_people) FROM cells c{where} GROUP BY {col}"
        )
    parts.append(
        "SELECT 3, CAST(b.k_cp AS TEXT), CAST(b.k_state AS TEXT), SUM(b.n_groups), 0, 0 "
        "FROM base b GROUP BY b.k_cp, b.k_state"
    )
    # Only the ORM's SQL and constant text; values travel as parameters.
    query = (
        f"WITH base AS ({sql}), cells AS (SELECT k_state, k_theme, k_area, "  # noqa: S608
        "SUM(n_groups) AS n_groups, SUM(n_people) AS n_people FROM base "
        "GROUP BY k_state, k_theme, k_area) " + " UNION ALL ".join(parts)
    )
    result = empty
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *State.ACTIVE, *State.ACTIVE])
        for index, key, state, groups, published, raw in cursor.fetchall():
            if index == 3:
                result["k_cp"].setdefault(int(key), {})[state] = int(groups or 0)
                continue
            name = _ROLLUP_KEYS[index]
            value = key if name == "k_state" or key is None else int(key)
            result[name][value] = (int(groups or 0), int(published or 0), int(raw or 0))
    return result


def groups_by_state(scope: Scope, rollups: MemberRollups | None = None) -> Table:
    rows_by_state = (rollups or member_rollups(scope))["k_state"]
    rows: list[list[Any]] = []
    cells = []
    for state in State.PUBLISHED:
        groups, published, raw = rows_by_state.get(state, (0, 0, 0))
        cells.append((published, raw))
        rows.append([str(State(state).label), groups, people(published=published, raw=raw)])
    total = [gettext("Total"), sum(r[1] for r in rows), people_total(cells)]
    return Table(
        key="states",
        caption=gettext("Groups and members by state"),
        columns=[gettext("State"), gettext("Groups"), gettext("Members")],
        rows=rows,
        total=total,
        people_columns=(2,),
    )


def groups_by_theme(
    scope: Scope, themes: list[Theme], rollups: MemberRollups | None = None
) -> Table:
    found = (rollups or member_rollups(scope))["k_theme"]
    rows, cells = [], []
    for theme in themes:
        if theme.pk not in found:
            continue
        groups, published, raw = found[theme.pk]
        cells.append((published, raw))
        rows.append([theme.name, groups, people(published=published, raw=raw)])
    return Table(
        key="themes",
        caption=gettext("Running groups and members by theme"),
        columns=[gettext("Theme"), gettext("Groups"), gettext("Members")],
        rows=rows,
        total=[gettext("Total"), sum(r[1] for r in rows), people_total(cells)],
        people_columns=(2,),
        note=gettext("Running groups: forming, starting, self-run or paused."),
    )


def groups_by_kommune(scope: Scope, rollups: MemberRollups | None = None) -> Table:
    found = (rollups or member_rollups(scope))["k_area"]
    names = {
        kommune.pk: str(kommune)
        for kommune in Kommune.objects.filter(pk__in=list(found)).select_related("fylke")
    }
    rows, cells = [], []
    for pk, name in sorted(names.items(), key=lambda item: item[1]):
        groups, published, raw = found[pk]
        cells.append((published, raw))
        rows.append([name, groups, people(published=published, raw=raw)])
    return Table(
        key="kommuner",
        caption=gettext("Running groups and members by municipality"),
        columns=[gettext("Municipality"), gettext("Groups"), gettext("Members")],
        rows=rows,
        total=[gettext("Total"), sum(r[1] for r in rows), people_total(cells)],
        people_columns=(2,),
        note=gettext("A digital group counts in its contact point's municipality."),
    )


def groups_by_contact_point(scope: Scope, rollups: MemberRollups | None = None) -> Table:
    by_cp = (rollups or member_rollups(scope))["k_cp"]
    names = ContactPoint.objects.filter(pk__in=list(by_cp)).order_by("name", "pk")
    rows: list[list[Any]] = [
        [name, *(by_cp[pk].get(str(state), 0) for state in State.PUBLISHED)]
        for pk, name in names.values_list("pk", "name")
    ]
    total = [gettext("Total"), *(sum(r[i + 1] for r in rows) for i in range(len(State.PUBLISHED)))]
    return Table(
        key="contact_points",
        caption=gettext("Groups by contact point and state"),
        columns=[gettext("Contact point"), *(str(State(s).label) for s in State.PUBLISHED)],
        rows=rows,
        total=total,
    )


def _per_month(qs: QuerySet[Any], field_name: str) -> dict[str, int]:
    return {
        _month_key(row["month"]): row["n"]
        for row in qs.annotate(month=TruncMonth(field_name, tzinfo=OSLO))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }


def activity_by_month(scope: Scope) -> Table:
    """New and ended groups, meetings held and attendance, per month."""
    groups = scoped_groups(scope)
    new = _per_month(
        groups.filter(published_at__gte=scope.start, published_at__lt=scope.end), "published_at"
    )
    # Ended is the last state, so the state change is the end.
    ended = _per_month(
        groups.filter(
            state=State.ENDED, state_changed_at__gte=scope.start, state_changed_at__lt=scope.end
        ),
        "state_changed_at",
    )
    # Pre-aggregated base cells (models.MeetingCell), refreshed every 15 minutes.
    meetings = (
        MeetingCell.objects.filter(
            scope.kommune_theme_q(),
            month__gte=scope.first_month,
            month__lte=scope.last_month,
        )
        .annotate(
            k_month=F("month"),
            k_theme=F("theme_id"),
            k_area=F("kommune_id"),
            n_meetings=F("meetings"),
            n_people=F("attendance"),
        )
        .values("k_month", "k_theme", "k_area", "n_meetings", "n_people")
    )
    held = {
        _month_key(row[0]): row[1:]
        for row in rollup(meetings, by=["k_month"], sums=["n_meetings"], people_column="n_people")
    }
    rows = []
    attendance_cells = []
    for month in scope.months:
        key = _month_label(month)
        n_meetings, published, raw = held.get(key, (0, 0, 0))
        attendance_cells.append((published, raw))
        rows.append(
            [
                key,
                new.get(key, 0),
                ended.get(key, 0),
                n_meetings,
                people(published=published, raw=raw),
            ]
        )
    total = [
        gettext("Total"),
        sum(r[1] for r in rows),
        sum(r[2] for r in rows),
        sum(r[3] for r in rows),
        people_total(attendance_cells),
    ]
    return Table(
        key="months",
        caption=gettext("Activity per month"),
        columns=[
            gettext("Month"),
            gettext("New groups"),
            gettext("Ended groups"),
            gettext("Meetings held"),
            gettext("Attendance"),
        ],
        rows=rows,
        total=total,
        people_columns=(4,),
        note=gettext(
            "Meetings held: not cancelled, counted every 15 minutes. Attendance: the "
            "numbers groups recorded after their meetings."
        ),
    )


def median_weeks_to_self_run(scope: Scope) -> tuple[float | None, int]:
    """Median weeks from the start of the first meetings to running itself.

    Over the groups that began to run themselves in the scope's months, from
    the two times the lifecycle keeps on the group row (``started_at``,
    ``self_run_at``), which retention leaves alone. PostgreSQL takes
    ``percentile_cont``; SQLite (no percentile function) reads the middle
    row(s) by offset.
    """
    groups = scoped_groups(scope).filter(
        self_run_at__gte=scope.start,
        self_run_at__lt=scope.end,
        started_at__isnull=False,
        started_at__lte=F("self_run_at"),
    )
    if connection.vendor == "postgresql":
        try:
            inner = groups.annotate(k_started=F("started_at"), k_self_run=F("self_run_at"))
            sql, params = inner.values("k_started", "k_self_run").order_by().query.sql_with_params()
        except EmptyResultSet:
            return None, 0
        # Only the ORM's SQL and constant text.
        query = (
            "SELECT PERCENTILE_CONT(0.5) WITHIN GROUP "  # noqa: S608
            "(ORDER BY EXTRACT(EPOCH FROM (g.k_self_run - g.k_started))), COUNT(*) "
            f"FROM ({sql}) g"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            seconds, count = cursor.fetchone()
        if not count:
            return None, 0
        median = datetime.timedelta(seconds=float(seconds))
    else:
        durations = groups.annotate(
            duration=ExpressionWrapper(F("self_run_at") - F("started_at"), DurationField())
        )
        count = durations.count()
        if not count:
            return None, 0
        middle = list(
            durations.order_by("duration").values_list("duration", flat=True)[
                (count - 1) // 2 : count // 2 + 1
            ]
        )
        median = sum(middle, datetime.timedelta()) / len(middle)
    return round(median / datetime.timedelta(weeks=1), 1), count


def follow_up(scope: Scope, *, now: datetime.datetime | None = None) -> Table:
    """Groups a contact point should get in touch with, and why.

    Names of groups and contact points only: never members or places. The
    groups that met recently come from one pass over recent meetings (a
    hashed ``IN`` in PostgreSQL), not a lookup per group.
    """
    now = now or timezone.now()
    weeks = settings.SELVHJELP_FOLLOW_UP_WEEKS
    quiet_since = now - datetime.timedelta(weeks=weeks)
    recent = Meeting.objects.filter(
        starts_at__gte=quiet_since,
        starts_at__lte=now,
        cancelled_at__isnull=True,
        attendance__isnull=False,
    ).values("group_id")
    asking = SupportRequest.objects.filter(answered_at__isnull=True).values("group_id")
    flagged = follow_up_rule.with_initiator_flag(
        scoped_groups(scope).filter(
            Q(state__in=State.MEETING, state_changed_at__lt=quiet_since) & ~Q(pk__in=recent)
            | Q(state__in=State.MEETING, pk__in=asking)
            | follow_up_rule.flagged_q(now=now)
        )
    )
    found = list(
        flagged.values(
            "pk",
            "name",
            "contact_point__name",
            "state",
            "state_changed_at",
            "member_count",
            "has_initiator",
        ).order_by("contact_point__name", "name", "pk")[: FOLLOW_UP_LIMIT + 1]
    )
    shown = found[:FOLLOW_UP_LIMIT]
    ids = [row["pk"] for row in shown]
    met_recently = set(recent.filter(group_id__in=ids).values_list("group_id", flat=True))
    asks = set(asking.filter(group_id__in=ids).values_list("group_id", flat=True))
    rows = []
    for row in shown:
        reasons = []
        meets = row["state"] in State.MEETING
        if meets and row["pk"] not in met_recently and row["state_changed_at"] < quiet_since:
            reasons.append(gettext("No meeting recorded for %(weeks)d weeks") % {"weeks": weeks})
        reasons += follow_up_rule.reasons(
            state=row["state"],
            state_changed_at=row["state_changed_at"],
            member_count=row["member_count"],
            has_initiator=row["has_initiator"],
            now=now,
        )
        if meets and row["pk"] in asks:
            reasons.append(gettext("Support request not answered"))
        rows.append(
            [
                row["name"],
                row["contact_point__name"],
                str(State(row["state"]).label),
                "; ".join(reasons),
            ]
        )
    more = len(found) > FOLLOW_UP_LIMIT
    return Table(
        key="follow_up",
        caption=gettext("Groups needing follow-up"),
        columns=[gettext("Group"), gettext("Contact point"), gettext("State"), gettext("Why")],
        rows=rows,
        note=(
            gettext("Showing the first %(count)d; narrow the filters to see the rest.")
            % {"count": FOLLOW_UP_LIMIT}
            if more
            else ""
        ),
        extra={"more": more},
    )


class _Reach:
    """Which kommuner lie within reach of each other (between kommune points).

    Kommune points sorted by latitude: only those within the reach's band of
    latitude are measured, and each kommune's neighbours are worked out once.
    """

    def __init__(self, points: dict[int, tuple[float, float]], reach_km: float) -> None:
        self.points = points
        self.reach_m = reach_km * 1000.0
        self.band = reach_km / 111.0  # degrees of latitude
        self.by_lat = sorted((lat, pk) for pk, (lat, _) in points.items())
        self.lats = [lat for lat, _ in self.by_lat]
        self._cache: dict[int, set[int]] = {}

    def neighbours(self, kommune_id: int) -> set[int]:
        if kommune_id in self._cache:
            return self._cache[kommune_id]
        found = {kommune_id}
        if kommune_id in self.points:
            lat, lon = self.points[kommune_id]
            low = bisect.bisect_left(self.lats, lat - self.band)
            high = bisect.bisect_right(self.lats, lat + self.band)
            for other_lat, other in self.by_lat[low:high]:
                other_lon = self.points[other][1]
                if great_circle_m(lat, lon, other_lat, other_lon) <= self.reach_m:
                    found.add(other)
        self._cache[kommune_id] = found
        return found


def unmet_demand(scope: Scope, themes: list[Theme]) -> Table:
    """People waiting on the interest list with no public group within reach.

    In person: no public in-person group on the same theme in the same
    kommune or in a kommune whose point lies within ``SELVHJELP_REACH_KM``.
    Digital: no public digital group on the same theme. Counted per theme,
    format and kommune (the base cells), suppressed like every count of people.
    """
    Format = InterestRegistration.Format
    cells = list(
        InterestRegistration.objects.waiting()
        .filter(scope.kommune_theme_q())
        .values("theme_id", "format", "kommune_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    wanted_themes = {cell["theme_id"] for cell in cells}
    public = Group.objects.public().filter(theme__in=wanted_themes).order_by()
    digital_themes = set(
        public.filter(format=Group.Format.DIGITAL).values_list("theme_id", flat=True).distinct()
    )
    kommuner = {
        pk: (name, lat, lon)
        for pk, name, lat, lon in Kommune.objects.order_by().values_list(
            "pk", "name", "latitude", "longitude"
        )
    }
    reach = _Reach(
        {
            pk: (lat, lon)
            for pk, (_, lat, lon) in kommuner.items()
            if lat is not None and lon is not None
        },
        settings.SELVHJELP_REACH_KM,
    )
    in_person = public.filter(format=Group.Format.IN_PERSON, kommune__isnull=False)
    if not scope.national:
        # Only groups that could be within reach of the scope's waiting people.
        near: set[int] = set()
        for cell in cells:
            if cell["format"] == Format.IN_PERSON:
                near |= reach.neighbours(cell["kommune_id"])
        in_person = in_person.filter(kommune_id__in=sorted(near))
    group_kommuner: dict[int, set[int]] = defaultdict(set)
    for theme_id, kommune_id in in_person.values_list("theme_id", "kommune_id").distinct():
        group_kommuner[theme_id].add(kommune_id)
    theme_names = {t.pk: t.name for t in themes}
    rows: list[list[Any]] = []
    totals: list[tuple[int, int]] = []
    # In person, per kommune: (published, raw) over the unmet base cells, for the map.
    by_kommune: dict[int, tuple[int, int]] = {}
    for cell in cells:
        n = cell["n"]
        published = published_cell(n)
        kommune_name = kommuner[cell["kommune_id"]][0] if cell["kommune_id"] else ""
        if cell["format"] == Format.DIGITAL:
            if cell["theme_id"] in digital_themes:
                continue
            where = gettext("Digital")
            if kommune_name:
                where = f"{where} ({kommune_name})"
        else:
            if reach.neighbours(cell["kommune_id"]) & group_kommuner[cell["theme_id"]]:
                continue
            where = kommune_name
            before = by_kommune.get(cell["kommune_id"], (0, 0))
            by_kommune[cell["kommune_id"]] = (before[0] + published, before[1] + n)
        totals.append((published, n))
        rows.append(
            [theme_names.get(cell["theme_id"], "?"), where, people(published=published, raw=n)]
        )
    rows.sort(key=lambda r: (-(r[2] if isinstance(r[2], int) else 0), r[0], r[1]))
    return Table(
        key="demand",
        caption=gettext("Unmet demand: people waiting with no group within reach"),
        columns=[gettext("Theme"), gettext("Where"), gettext("People waiting")],
        rows=rows,
        total=[gettext("Total"), "", people_total(totals)],
        people_columns=(2,),
        note=gettext(
            "In person: no published group on the theme within %(km)d km (between municipality "
            "centres). Digital: no digital group on the theme."
        )
        % {"km": settings.SELVHJELP_REACH_KM},
        extra={"by_kommune": by_kommune},
    )


@dataclass
class Dashboard:
    scope: Scope
    tables: dict[str, Table]
    median_weeks: float | None
    median_count: int
    # Running groups and members by area kommune, as ``member_rollups`` sums them.
    by_area: dict[Any, Any] = field(default_factory=dict)


TABLES = ("states", "themes", "kommuner", "contact_points", "months", "follow_up", "demand")
TABLE_LABELS = {
    "states": _("Groups and members by state"),
    "themes": _("Running groups and members by theme"),
    "kommuner": _("Running groups and members by municipality"),
    "contact_points": _("Groups by contact point and state"),
    "months": _("Activity per month"),
    "follow_up": _("Groups needing follow-up"),
    "demand": _("Unmet demand"),
}


def table(
    scope: Scope,
    key: str,
    themes: list[Theme] | None = None,
    rollups: MemberRollups | None = None,
) -> Table:
    """One table by key (for CSV export)."""
    themes = themes if themes is not None else list(Theme.objects.all())
    builders = {
        "states": lambda: groups_by_state(scope, rollups),
        "themes": lambda: groups_by_theme(scope, themes, rollups),
        "kommuner": lambda: groups_by_kommune(scope, rollups),
        "contact_points": lambda: groups_by_contact_point(scope, rollups),
        "months": lambda: activity_by_month(scope),
        "follow_up": lambda: follow_up(scope),
        "demand": lambda: unmet_demand(scope, themes),
    }
    return builders[key]()


def dashboard(scope: Scope, themes: list[Theme] | None = None) -> Dashboard:
    themes = themes if themes is not None else list(Theme.objects.all())
    median, count = median_weeks_to_self_run(scope)
    rollups = member_rollups(scope)
    return Dashboard(
        scope=scope,
        tables={key: table(scope, key, themes, rollups) for key in TABLES},
        median_weeks=median,
        median_count=count,
        by_area=rollups["k_area"],
    )
