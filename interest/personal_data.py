"""Interest registrations (see ``core.personal_data``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q

from core import languages
from core.personal_data import ExportSection, PersonalData, RetentionRule, before, iso, register

from .models import InterestRegistration


def _registrations(user: Any) -> list[dict[str, Any]]:
    registrations = InterestRegistration.objects.filter(user=user).select_related(
        "theme", "kommune", "invited_to"
    )
    return [
        {
            "theme": languages.pick(
                nb=r.theme.name_nb, nn=r.theme.name_nn, en=r.theme.name_en, language=user.language
            ),
            "format": r.format,
            "municipality": r.kommune.name if r.kommune else None,
            "distance_km": r.radius_km,
            "contact_by": r.contact_by,
            "registered_at": iso(r.created_at),
            "expires_at": iso(r.expires_at),
            "reminded_at": iso(r.reminded_at),
            "withdrawn_at": iso(r.withdrawn_at),
            "invited_to": r.invited_to.name if r.invited_to else None,
            "status": r.status,
        }
        for r in registrations.order_by("pk")
    ]


def delete_ended_interest_registrations(now: datetime.datetime) -> int:
    """Withdrawn or expired registrations (expiry is recorded as withdrawal)."""
    cutoff = before(now, "SELVHJELP_RETAIN_ENDED_INTEREST_DAYS")
    ended = InterestRegistration.objects.filter(
        Q(withdrawn_at__lt=cutoff) | Q(expires_at__lt=cutoff)
    )
    return ended.delete()[0]


class InterestData(PersonalData):
    app_label = "interest"
    models = ("interest.InterestRegistration",)
    links = {"interest.InterestRegistration.user": "interest_registrations"}
    sections = (ExportSection("interest_registrations", _registrations),)
    retention = (
        RetentionRule(
            "interest_ended",
            delete_ended_interest_registrations,
            "SELVHJELP_RETAIN_ENDED_INTEREST_DAYS",
        ),
    )

    def accounts_to_keep(self) -> Any:
        # On an interest list (or was, until retention removes the row).
        return InterestRegistration.objects.values("user_id")


register(InterestData())
