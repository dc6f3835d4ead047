"""One clock for the outbox: the database's.

Claims, leases, due checks, retries and sweeps compare times that different
processes wrote. If each process used its own clock, a worker whose clock is
ahead would take back a batch another worker is still sending, and a second
copy would go out. So every such time is the database's ``now()``, written
and compared in the same statement. Callers that replay a moment may pass a
fixed ``now`` instead.

The test settings turn this off (``SELVHJELP_OUTBOX_DATABASE_CLOCK``):
tests set the day with time-machine, which moves the application's clock
and not the database server's.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import DateTimeField, DurationField, Expression, ExpressionWrapper, Value
from django.db.models.functions import Now
from django.utils import timezone


def fixed(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """``now``, or the application's time where the database's clock is turned off."""
    if now is None and not settings.SELVHJELP_OUTBOX_DATABASE_CLOCK:
        return timezone.now()
    return now


def now_sql(now: datetime.datetime | None = None) -> Expression:
    """The database's current time, or ``now`` when the caller fixes it."""
    now = fixed(now)
    if now is not None:
        return Value(now, output_field=DateTimeField())
    return Now()


def shifted(seconds: float, now: datetime.datetime | None = None) -> Expression:
    """The database's current time (or ``now``) plus ``seconds`` (minus, if negative)."""
    return ExpressionWrapper(
        now_sql(now) + Value(datetime.timedelta(seconds=seconds), output_field=DurationField()),
        output_field=DateTimeField(),
    )
