"""What the finder keeps between requests (theme choices, digital counts), and its filters."""

from __future__ import annotations

import re

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core import widgets
from groups import search
from groups.forms import GroupSearchForm
from groups.models import Group
from groups.templatetags import group_tags
from groups.templatetags.group_tags import _FILTER_FIELDS, finder_filters
from organisations.models import ContactPoint
from tests.core.test_widgets import _tags

URL = "/grupper/"


def _theme_queries(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in captured if 'FROM "groups_theme"' in q["sql"]]


def test_theme_choices_come_from_the_cache_and_a_renamed_theme_shows_at_once(
    client, make_group, theme
):
    make_group("5501", theme=theme)
    client.get(URL)  # fills the cache
    response, queries = _theme_queries(client)
    assert "Sorg" in response.content.decode()
    assert queries == []
    theme.name_nb = "Sorg og tap"
    theme.save()
    response, queries = _theme_queries(client)
    assert "Sorg og tap" in response.content.decode()
    assert queries, "the renamed theme is read again"


def test_filters_shared_between_searches_keep_each_search_own_choices(client, make_group, theme):
    make_group("5501", theme=theme)
    checked = f'value="{theme.slug}"'
    with_theme = client.get(URL, {"q": "Tromso", "theme": theme.slug}).content.decode()
    without = client.get(URL, {"q": "Tromso"}).content.decode()
    again = client.get(URL, {"q": "Tromso", "theme": theme.slug}).content.decode()

    def is_checked(html: str) -> bool:
        return " checked" in _input(html, checked)

    assert is_checked(with_theme) and is_checked(again)
    assert not is_checked(without)
    english = client.get(URL, {"q": "Tromso"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Grief" in english and "Grief" not in without


def _input(html: str, marker: str) -> str:
    at = html.index(marker)
    return html[html.rindex("<input", 0, at) : html.index(">", at)]


def test_an_invalid_filter_is_shown_with_its_message_not_from_the_cache(client, make_group):
    make_group("5501")
    client.get(URL, {"q": "Tromso"})
    html = client.get(URL, {"q": "Tromso", "weekday": "9"}).content.decode()
    assert "id_weekday_error" in html


def test_the_digital_link_stops_at_its_cap_and_is_cached(client, make_group, monkeypatch):
    monkeypatch.setattr(search, "DIGITAL_LINK_CAP", 7)
    for _ in range(9):
        make_group("5501", format=Group.Format.DIGITAL, kommune=None, lat=None, lon=None)
    make_group("5501")
    client.get(URL, {"q": "Tromso"})  # fills the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": "Tromso"})
    html = response.content.decode()
    # 9 groups against a cap of 7: «more than», not an exact number.
    assert response.context["result"].digital_many
    assert "Se over 7 digitale grupper" in html
    digital = [q["sql"] for q in captured if "'digital'" in q["sql"]]
    assert digital == [], "the preview and its number come from the cache"

    digital_only = client.get("/api/v1/groups", {"format": "digital"}).json()
    assert digital_only["count"] == 9 and digital_only["count_is_lower_bound"] is False


def test_the_digital_preview_and_its_number_are_one_statement(client, make_group):
    for _ in range(9):
        make_group("5501", format=Group.Format.DIGITAL, kommune=None, lat=None, lon=None)
    make_group("5501")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": "Tromso"})
    assert len(response.context["result"].digital) == 6
    digital = [q["sql"] for q in captured if "'digital'" in q["sql"]]
    assert len(digital) == 1 and "COUNT(" not in digital[0]


def test_digital_count_under_the_cap_is_exact(client, make_group):
    for _ in range(9):
        make_group("5501", format=Group.Format.DIGITAL, kommune=None, lat=None, lon=None)
    html = client.get(URL, {"q": "Tromso"}).content.decode()
    assert "Se alle 9 digitale grupper" in html


def test_the_filters_are_what_the_field_template_writes_in_every_language(db, theme):
    for data in ({}, {"theme": [theme.slug], "weekday": ["2", "4"], "status": ["open"]}):
        for language in ("nb", "nn", "en"):
            with translation.override(language):
                form = GroupSearchForm(data)
                assert form.is_valid(), form.errors
                slow = "".join(
                    render_to_string("includes/field.html", {"field": form[name]})
                    for name in _FILTER_FIELDS
                )
                fast = finder_filters(form)
                assert _tags(fast) == _tags(f'<div class="finder__filter-grid">{slow}</div>')


def test_the_filters_are_written_once_per_language_themes_and_choices(db, theme, monkeypatch):
    written = []
    real = widgets.field_html

    def counted(field):
        written.append(field.name)
        return real(field)

    monkeypatch.setattr(widgets, "field_html", counted)
    monkeypatch.setattr(group_tags, "_filters_html", {})
    chosen = {"theme": [theme.slug], "weekday": ["2"]}
    first = finder_filters(_valid(chosen))
    assert finder_filters(_valid(chosen)) == first
    assert len(written) == len(_FILTER_FIELDS), "the second form reuses the first one's HTML"
    other = finder_filters(_valid({"weekday": ["3"]}))
    assert other != first and len(written) == 2 * len(_FILTER_FIELDS)
    with translation.override("en"):
        assert finder_filters(_valid(chosen)) != first
    errors = GroupSearchForm({"weekday": ["9"]})
    assert not errors.is_valid()
    assert "id_weekday_error" in finder_filters(errors)


def _valid(data):
    form = GroupSearchForm(data)
    assert form.is_valid(), form.errors
    return form


def test_the_api_names_a_changed_contact_point_and_kommune_at_once(client, make_group):
    group = make_group("5501")
    first = client.get("/api/v1/groups", {"q": "Tromso"}).json()["results"][0]
    assert first["contact_point"]["name"] == group.contact_point.name
    contact_point = group.contact_point
    contact_point.name = "Frisklivssentralen i Tromsø, nytt navn"
    contact_point.public_phone = "+4777000000"
    contact_point.save()
    place = group.kommune
    place.name = "Tromsø by"
    place.save()
    here = {"lat": place.latitude, "lon": place.longitude}
    listed = client.get("/api/v1/groups", here).json()["results"][0]
    assert listed["contact_point"]["name"] == "Frisklivssentralen i Tromsø, nytt navn"
    assert listed["contact_point"]["phone"] == "+4777000000"
    assert listed["kommune"]["name"] == "Tromsø by"
    html = client.post(URL, here).content.decode()
    assert "Tromsø by" in html


def test_a_contact_point_made_without_signals_is_read_when_a_card_names_it(client, make_group):
    group = make_group("5501")
    client.get("/api/v1/groups", {"q": "Tromso"})  # the contact points are kept
    fresh = ContactPoint.objects.bulk_create(
        [ContactPoint(name="Ny kontakt", kind=group.contact_point.kind, kommune=group.kommune)]
    )[0]
    Group.objects.filter(pk=group.pk).update(contact_point=fresh)
    listed = client.get("/api/v1/groups", {"q": "Tromso"}).json()["results"]
    assert [row["contact_point"]["name"] for row in listed] == ["Ny kontakt"]


def test_a_list_without_a_place_is_kept_per_filters_as_far_as_it_was_read(
    client, make_group, theme
):
    for _ in range(25):
        make_group("5501", theme=theme)
        make_group("5501", format=Group.Format.DIGITAL, kommune=None, lat=None, lon=None)

    def list_reads(params):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, params)
        assert response.status_code == 200
        return [q["sql"] for q in captured if re.search(r"LIMIT (21|41)\b", q["sql"])]

    for params in ({"theme": theme.slug}, {"format": "digital"}):
        assert len(list_reads(params)) == 1, "the first page reads the list"
        assert list_reads(params) == [], "then it comes from the cache"
        second = list_reads({**params, "page": 2})
        assert len(second) == 1 and "LIMIT 41" in second[0], "page 2 reads further"
        assert list_reads(params) == [], "and page 1 is served from that read"
        assert list_reads({**params, "page": 2}) == []
        assert len(list_reads({**params, "weekday": "2"})) == 1, "other filters, another list"
