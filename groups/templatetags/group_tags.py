from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext

from core.templatetags.when import times_nowrap
from groups.cards import Card
from groups.models import PublicStatus

register = template.Library()


@register.filter
def distance_km(metres: float | None) -> str:
    """Metres as kilometres with one decimal, in the active locale ("3,2")."""
    if metres is None or metres == "":
        return ""
    return str(formats.number_format(round(float(metres) / 1000, 1), 1))


# The colour of a public status's tag (Designsystemet data-color); neutral otherwise.
STATUS_COLOURS = {
    "open": "success",
    "starting_soon": "info",
    "waiting_list": "warning",
    "full": "warning",
    "paused": "warning",
}


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(str(status), "neutral")


@register.simple_tag
def state_tag(group: Any) -> str:
    """A group's public status as a tag: on its page and on its card in the finder."""
    status = group.public_status
    return format_html(
        '<span class="ds-tag" data-size="sm" data-color="{}">{}</span>',
        status_colour(status),
        PublicStatus(status).label,
    )


@register.simple_tag
def group_card(card: Card) -> str:
    """A group's card in the finder's results (``groups.cards.Card``), built here
    rather than in a template.

    The finder shows up to 26 cards per page; through the template engine they
    took about a third of the request's CPU.
    """
    status = card.public_status
    if card.is_digital:
        place = conditional_escape(gettext("Digital"))
    elif card.area:
        place = format_html("{}, {}", card.kommune_name, card.area)
    else:
        place = conditional_escape(card.kommune_name)
    distance = ""
    if card.distance_m is not None:
        distance = format_html(
            ' · <span class="card__distance">{}</span>',
            gettext("%(km)s km away") % {"km": distance_km(card.distance_m)},
        )
    seats = ""
    if status in PublicStatus.ASK_TO_JOIN:
        seats = format_html(' <span class="card__seats">{}</span>', card.availability_label)
    return format_html(
        '\n<h3 class="card__title"><a href="{}">{}</a></h3>\n'
        '<p class="card__meta">\n'
        '  <span class="card__place">{}{}</span>\n'
        '  <span class="card__time">{}</span>\n'
        "</p>\n"
        '<p class="card__status">{}\n{}</p>\n',
        card.get_absolute_url(),
        card.theme_name,
        place,
        distance,
        times_nowrap(card.cadence_text),
        state_tag(card),
        seats,
    )
