"""Writes for the dashboards: rebuilding the pre-aggregated meeting cells."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from groups.models import Group
from meetings.models import Meeting

from .filters import OSLO, add_months, month_start, oslo_midnight
from .models import MeetingCell


@transaction.atomic
def activity_refresh(*, months: int | None = None) -> int:
    """Rebuild ``MeetingCell`` rows from the meetings held so far.

    ``months``: only the last so many months (this one included); ``None``
    rebuilds everything. Aggregated in the database with one ``INSERT …
    SELECT``; returns the number of cells written. Idempotent: the cells of
    the months concerned are deleted and recomputed in one transaction.
    """
    now = timezone.now()
    held = Meeting.objects.filter(cancelled_at__isnull=True, starts_at__lt=now).exclude(
        group__state=Group.State.DRAFT
    )
    stale = MeetingCell.objects.all()
    if months is not None:
        first = add_months(month_start(timezone.localdate(timezone=OSLO)), -(months - 1))
        held = held.filter(starts_at__gte=oslo_midnight(first))
        stale = stale.filter(month__gte=first)
    stale.delete()
    cells = (
        held.annotate(
            k_month=TruncMonth("starts_at", output_field=DateField(), tzinfo=OSLO),
            k_theme=F("group__theme_id"),
            k_area=Coalesce(F("group__kommune_id"), F("group__contact_point__kommune_id")),
        )
        .values("k_month", "k_theme", "k_area")
        .annotate(n_meetings=Count("pk"), n_people=Coalesce(Sum("attendance"), 0))
        .order_by()
    )
    sql, params = cells.query.sql_with_params()
    table = MeetingCell._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Only the ORM's SQL and this model's own table and column names.
        cursor.execute(
            f"INSERT INTO {quote(table)} (month, theme_id, kommune_id, meetings, attendance) "  # noqa: S608
            f"SELECT k_month, k_theme, k_area, n_meetings, n_people FROM ({sql}) t",
            params,
        )
        return int(cursor.rowcount)
