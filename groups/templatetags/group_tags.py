from __future__ import annotations

import functools
from dataclasses import dataclass
from html import escape  # what django.utils.html.escape does, without its lazy-text wrapper
from typing import Any

from django import template
from django.urls import get_script_prefix
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core import widgets
from core.templatetags.when import times_nowrap
from groups.cards import SLUG_MARK, Card, detail_url
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
    return _status_tag(group.public_status)


def _status_tag(status: str) -> str:
    return format_html(
        '<span class="ds-tag" data-size="sm" data-color="{}">{}</span>',
        status_colour(status),
        PublicStatus(status).label,
    )


def _card_html(card: Card, words: _CardWords) -> str:
    """A group's card in the finder's results (``groups.cards.Card``), built here
    rather than in a template.

    The finder shows up to 26 cards per page. Through the template engine they
    took about a third of the request's CPU; so the words that are the same on
    every card are looked up once per language (``_card_words``), and only the
    group's own values are escaped here.
    """
    status = card.public_status
    if card.is_digital:
        place = words.digital
    elif card.area:
        place = f"{escape(card.kommune_name)}, {escape(card.area)}"
    else:
        place = escape(card.kommune_name)
    distance = ""
    if card.distance_m is not None:
        km = words.km_away % {"km": words.km(card.distance_m)}
        distance = f' · <span class="card__distance">{escape(km)}</span>'
    seats = ""
    if status in PublicStatus.ASK_TO_JOIN:
        seats = f' <span class="card__seats">{escape(card.availability_label)}</span>'
    url = words.detail_url.replace(SLUG_MARK, card.slug)
    # The group's values are escaped above and here.
    return (
        f'\n<h3 class="card__title"><a href="{escape(url)}">'
        f"{escape(card.theme_name)}</a></h3>\n"
        '<p class="card__meta">\n'
        f'  <span class="card__place">{place}{distance}</span>\n'
        f'  <span class="card__time">{_nowrap(card.cadence_text)}</span>\n'
        "</p>\n"
        f'<p class="card__status">{words.status_tags[status]}\n{seats}</p>\n'
    )


_FILTER_FIELDS = ("theme", "weekday", "time", "format", "status")
# The filters' HTML for the choices made, per language and themes, kept in the
# process; past this many it is all dropped and written again.
FILTERS_KEPT = 256
_filters_html: dict[tuple[Any, ...], str] = {}


@register.simple_tag
def finder_filters(form: Any) -> str:
    """The finder's filters as HTML: five lists of checkboxes, each in its fieldset.

    Written in Python (``core.widgets.field_html``): through
    ``includes/field.html`` the five cost about four milliseconds, here half
    of one. Most searches choose no filter or the same few, so the HTML is
    also kept in the process by what it depends on: the language, the themes
    and the choices. A form with errors is rendered afresh, and a field with
    errors by that template, with its message.
    """
    fields = [form[name] for name in _FILTER_FIELDS]
    if any(field.errors for field in fields):
        return mark_safe(_filters(fields))  # noqa: S308 (each part escapes its own values)
    key = (
        translation.get_language(),
        tuple(form.themes),
        tuple(tuple(str(value) for value in field.value() or ()) for field in fields),
    )
    html = _filters_html.get(key)
    if html is None:
        if len(_filters_html) >= FILTERS_KEPT:
            _filters_html.clear()
        html = _filters_html[key] = _filters(fields)
    return mark_safe(html)  # noqa: S308 (each part escapes its own values)


def _filters(fields: list[Any]) -> str:
    parts = [widgets.field_block(field) for field in fields]
    return '<div class="finder__filter-grid">\n' + "\n".join(parts) + "\n</div>"


@register.simple_tag
def group_cards(cards: Any) -> str:
    """The finder's list items, one card each (``_card_html``): one tag for the whole list,
    which looks up the language and its words once."""
    words = _card_words(translation.get_language(), get_script_prefix())
    item = '\n            <li class="ds-card card" data-variant="default">{}</li>'
    return mark_safe(  # noqa: S308 (each card escapes its own values)
        "".join(item.format(_card_html(card, words)) for card in cards)
    )


@dataclass(frozen=True)
class _CardWords:
    language: str | None
    digital: str  # escaped
    km_away: str  # a format, not escaped
    status_tags: dict[str, str]  # HTML
    decimal_separator: str
    detail_url: str  # a group's address, with ``SLUG_MARK`` for its slug

    def km(self, metres: float) -> str:
        """``distance_km`` with the separator looked up once (the finder's radius is at
        most 100 km, so no thousands separator is needed; further goes the long way)."""
        km = round(float(metres) / 1000, 1)
        if km >= 1000:
            with translation.override(self.language):
                return distance_km(metres)
        return f"{km:.1f}".replace(".", self.decimal_separator)


@functools.lru_cache(maxsize=16)
def _card_words(language: str | None, script_prefix: str) -> _CardWords:
    """The words every card shares, and a group's address (which starts with the
    script prefix), per language."""
    with translation.override(language):
        return _CardWords(
            language=language,
            decimal_separator=str(formats.get_format("DECIMAL_SEPARATOR", language)),
            detail_url=detail_url(SLUG_MARK),
            digital=escape(gettext("Digital")),
            km_away=gettext("%(km)s km away"),
            status_tags={status.value: _status_tag(status.value) for status in PublicStatus},
        )


@functools.lru_cache(maxsize=4096)
def _nowrap(cadence_text: str) -> str:
    return times_nowrap(cadence_text)
