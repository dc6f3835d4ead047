"""Nearest-first search on the configured database (SQLite or PostgreSQL).

Both CI runs assert against the same pure-Python reference (great circle on
earthdistance's sphere, ties by id), so both databases give the same order.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.utils import translation

from groups import search
from groups.forms import GroupSearchForm
from groups.models import Group
from groups.search import SearchQuery, digital_groups, great_circle_m, nearby_groups
from places.selectors import _index, fold, resolve_place, suggest_places
from tests.factories import GroupFactory

from .conftest import kommune

DRAMMEN = (59.7441, 10.2045)


def reference_order(groups, lat, lon, radius_km):
    with_distance = [
        (great_circle_m(lat, lon, g.latitude, g.longitude), g.pk)
        for g in groups
        if g.format == Group.Format.IN_PERSON
    ]
    return [pk for d, pk in sorted(with_distance) if d <= radius_km * 1000]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Tromsø", "tromso"),
        ("Tromso", "tromso"),
        ("TROMSOE", "tromso"),
        ("Bærum", "barum"),
        ("Baerum", "barum"),
        ("Ålesund", "alesund"),
        ("Aalesund", "alesund"),
        ("Kautokeino - Guovdageaidnu", "kautokeino guovdageaidnu"),
    ],
)
def test_fold_lets_ascii_spellings_meet_norwegian_letters(typed, expected):
    assert fold(typed) == expected


def test_places_resolve_by_name_ascii_spelling_postal_code_and_label(gazetteer):
    assert resolve_place("Tromso").kommune_number == "5501"
    assert resolve_place("tromsø").kommune_number == "5501"
    assert resolve_place("9008").kommune_number == "5501"
    assert resolve_place("3015 Drammen").kommune_number == "3301"
    assert resolve_place("Drammen (Buskerud)").kommune_number == "3301"
    assert resolve_place("Baerum").kommune_number == "3201"
    assert resolve_place("Atlantis") is None
    assert resolve_place("0000") is None
    assert suggest_places("Trom")[0].label == "Tromsø (Troms)"


def test_a_typed_name_resolves_to_what_the_ranked_suggestions_put_first(gazetteer):
    """Every name in the gazetteer, looked up directly, gives the place the full scan
    of ``suggest_places`` ranks first (or nothing, as the scan would)."""
    names = {entry.folded for entry in _index()}
    assert len(names) > 100
    for name in names:
        ranked = suggest_places(name, limit=1)
        scanned = ranked[0] if ranked and fold(ranked[0].label).startswith(name) else None
        assert resolve_place(name) == scanned, name


def test_nearby_groups_are_sorted_by_distance_within_the_radius(make_group):
    groups = [
        make_group("3301"),  # Drammen
        make_group("3312"),  # Lier
        make_group("0301"),  # Oslo, about 35 km
        make_group("3303"),  # Kongsberg
        make_group("5501"),  # Tromsø, far away
        make_group("3301", lat=DRAMMEN[0] + 0.05, lon=DRAMMEN[1]),
    ]
    for radius in (5, 25, 50, 100):
        result = nearby_groups(
            SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1], radius_km=radius)
        )
        assert [g.pk for g in result] == reference_order(groups, *DRAMMEN, radius), radius
    result = list(
        nearby_groups(SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1], radius_km=50))
    )
    oslo = next(g for g in result if g.kommune.number == "0301")
    expected = great_circle_m(*DRAMMEN, oslo.latitude, oslo.longitude)
    assert oslo.distance_m == pytest.approx(expected, rel=1e-6)
    assert 30_000 < oslo.distance_m < 45_000


def test_ties_are_broken_by_id_on_every_database(make_group):
    twins = [make_group("3301") for _ in range(5)]
    result = nearby_groups(SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1]))
    assert [g.pk for g in result] == sorted(g.pk for g in twins)


def test_filters_combine(make_group, theme):
    match = make_group(
        "3301", theme=theme, weekday=Group.Weekday.TUESDAY, start_time=datetime.time(18)
    )
    make_group("3301", weekday=Group.Weekday.TUESDAY, start_time=datetime.time(18))  # other theme
    make_group("3301", theme=theme, weekday=Group.Weekday.MONDAY, start_time=datetime.time(18))
    make_group("3301", theme=theme, weekday=Group.Weekday.TUESDAY, start_time=datetime.time(10))
    query = SearchQuery(
        latitude=DRAMMEN[0],
        longitude=DRAMMEN[1],
        themes=frozenset({theme.pk}),
        weekdays=frozenset({1}),
        times=frozenset({"evening"}),
    )
    assert list(nearby_groups(query)) == [match]


def test_status_filters_follow_the_public_status(make_group):
    starting_soon = make_group("3301", state=Group.State.FORMING)
    open_group = make_group("3301", state=Group.State.SELF_RUN, open_for_new_members=True)
    closed = make_group("3301", state=Group.State.SELF_RUN, open_for_new_members=False)
    full = make_group("3301", state=Group.State.STARTING, capacity=4, member_count=4)
    base = {"latitude": DRAMMEN[0], "longitude": DRAMMEN[1]}
    for status, expected in (
        ("starting_soon", starting_soon),
        ("open", open_group),
        ("waiting_list", full),
    ):
        result = list(nearby_groups(SearchQuery(**base, statuses=frozenset({status}))))
        assert result == [expected]
        assert expected.public_status == status
    assert closed.public_status == "closed"
    both = nearby_groups(SearchQuery(**base, statuses=frozenset({"open", "waiting_list"})))
    assert {g.pk for g in both} == {open_group.pk, full.pk}


def test_drafts_and_ended_groups_are_never_found(make_group):
    make_group("3301", state=Group.State.DRAFT)
    make_group("3301", state=Group.State.ENDED)
    visible = make_group("3301", state=Group.State.PAUSED)
    assert list(nearby_groups(SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1]))) == [visible]


def test_digital_groups_do_not_depend_on_place(make_group):
    digital = make_group("5501", format=Group.Format.DIGITAL, kommune=None, lat=None, lon=None)
    assert list(digital_groups(SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1]))) == [digital]
    assert list(nearby_groups(SearchQuery(latitude=69.65, longitude=18.96))) == []


def test_the_search_is_index_backed(make_group):
    """PostgreSQL: the GiST index on ll_to_earth (KNN order and radius);
    SQLite: the (latitude, longitude) index for the bounding-box prefilter."""
    from groups.models import Theme
    from organisations.models import ContactPoint

    theme = Theme.objects.first()
    contact_point = ContactPoint.objects.first() or make_group("3301").contact_point
    place = kommune("3301")
    Group.objects.bulk_create(
        [
            Group(
                slug=f"bulk-{i}",
                name="Gruppe",
                theme=theme,
                contact_point=contact_point,
                kommune=place,
                latitude=58 + (i % 1000) / 100,
                longitude=5 + (i // 1000) * 2.5,
                state=Group.State.SELF_RUN,
            )
            for i in range(5000)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE groups_group" if connection.vendor == "postgresql" else "ANALYZE")
    qs = nearby_groups(SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1], radius_km=25))[:20]
    plan = qs.explain()
    index = (
        "groups_group_earth_gist" if connection.vendor == "postgresql" else "groups_group_lat_lon"
    )
    assert index in plan, plan
    assert list(qs)  # and it runs


def test_finder_pages_match_the_two_key_order_across_ties(make_group):
    """Many groups share a kommune's point: pages must neither repeat nor skip one."""
    from django.core.paginator import Paginator

    from groups.search import nearby_results

    groups = [make_group("3301") for _ in range(7)] + [make_group("3312") for _ in range(6)]
    query = SearchQuery(latitude=DRAMMEN[0], longitude=DRAMMEN[1], radius_km=25)
    expected = [g.pk for g in nearby_groups(query)]
    assert sorted(expected) == sorted(g.pk for g in groups)
    paginator = Paginator(nearby_results(query), 4)
    seen = [g.pk for number in paginator.page_range for g in paginator.page(number).object_list]
    assert seen == expected
    first = paginator.page(1).object_list[0]
    assert first.distance_m == pytest.approx(
        great_circle_m(*DRAMMEN, first.latitude, first.longitude)
    )


def test_search_forms_share_their_fields_and_leave_them_as_they_were(gazetteer, theme):
    """Forms of one language and set of themes share one set of fields; validating,
    failing and rendering a form changes none of them."""
    first = GroupSearchForm({"q": "Tromso", "theme": [theme.slug]})
    second = GroupSearchForm({"q": "Nowhere at all", "weekday": ["9"], "lat": "x"})
    assert first.fields["theme"] is second.fields["theme"]
    before = {
        name: (field.required, dict(field.widget.attrs)) for name, field in first.fields.items()
    }
    assert first.is_valid() and not second.is_valid()
    render_to_string("groups/group_list.html", {"form": second})
    render_to_string("groups/group_list.html", {"form": first})
    after = {
        name: (field.required, dict(field.widget.attrs)) for name, field in first.fields.items()
    }
    assert after == before
    assert (theme.slug, theme.name_nb) in first.fields["theme"].choices
    with translation.override("en"):
        english = GroupSearchForm()
    assert english.fields["theme"] is not first.fields["theme"]
    assert (theme.slug, theme.name_en or theme.name_nb) in english.fields["theme"].choices


def _field_state(form):
    return {
        name: (field.required, field.label, dict(field.widget.attrs), list(field.widget.choices))
        if hasattr(field.widget, "choices")
        else (field.required, field.label, dict(field.widget.attrs))
        for name, field in form.fields.items()
    }


def test_lists_without_a_place_read_pages_in_their_order_and_no_further(make_group, theme):
    for i in range(27):
        make_group(("5501", "3301", "0301")[i % 3], name=f"Gruppe {i % 7}", theme=theme)
    for i in range(23):
        GroupFactory(format=Group.Format.DIGITAL, kommune=None, name=f"Digital {i % 5}")
    for query in (SearchQuery(), SearchQuery(themes=frozenset({theme.pk}))):
        everyone = list(search.in_person_groups_without_place(query).values_list("pk", flat=True))
        digital = list(search.digital_groups(query).values_list("pk", flat=True))
        for reach, start in ((20, 0), (40, 20)):
            pages = search.in_person_pages(query, reach=reach)
            assert pages[start:reach] == everyone[start:reach]
            assert pages.count() == min(len(everyone), reach + 1)
            assert pages.capped == (len(everyone) > reach)
            listed = search.digital_pages(query, reach=reach)
            assert listed[start:reach] == digital[start:reach]
            assert listed.capped == (len(digital) > reach)


def test_a_list_without_a_place_pages_on_without_a_total(client, make_group, theme):
    for i in range(25):
        make_group(("5501", "3301")[i % 2], theme=theme)
    first = client.get("/grupper/", {"theme": theme.slug})
    assert first.context["result"].many
    html = first.content.decode()
    assert "Side 1" in html and "Side 1 av" not in html
    second = client.get("/grupper/", {"theme": theme.slug, "page": 2})
    assert len(second.context["result"].page.object_list) == 5
    assert not second.context["result"].many
    api = client.get("/api/v1/groups", {"theme": theme.slug}).json()
    assert (api["count"], api["count_is_lower_bound"], len(api["results"])) == (21, True, 20)
