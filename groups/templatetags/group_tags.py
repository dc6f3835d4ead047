from __future__ import annotations

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def distance_km(metres: float | None) -> str:
    """Metres as kilometres with one decimal, in the active locale ("3,2")."""
    if metres is None or metres == "":
        return ""
    return str(formats.number_format(round(float(metres) / 1000, 1), 1))
