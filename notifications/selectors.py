"""Reads about the outbox that pages and the login hook share."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import BouncedAddress
from .sms import normalise_phone


def bounces_to_tell(*, user: Any) -> list[BouncedAddress]:
    """Bounced addresses of ``user`` that they have not been told about yet."""
    current = [a for a in (user.email, normalise_phone(user.phone or "")) if a]
    return list(
        BouncedAddress.objects.filter(
            Q(user=user) | Q(address__in=[BouncedAddress.normalise(a) for a in current]),
            notified_at__isnull=True,
        )
    )
