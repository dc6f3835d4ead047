from __future__ import annotations

import datetime
import re

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.badinput import CONTROL_IN_VALUE
from groups.models import Group
from organisations.models import InformationMeeting
from tests.conftest import clear_caches
from tests.factories import MembershipFactory, UserFactory

URL = "/grupper/"


def test_finder_works_without_an_account_and_sets_no_cookie(client, make_group):
    make_group("5501", area="Sentrum")
    response = client.get(URL, {"q": "Tromso"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tromsø (Troms)" in html and "card__distance" in html
    assert response.cookies == {}
    assert "geolocation=(self)" in response["Permissions-Policy"]
    home = client.get("/")
    assert home.cookies == {}
    assert "geolocation=()" in home["Permissions-Policy"]


def test_postal_code_search(client, make_group):
    group = make_group("3301")
    response = client.get(URL, {"q": "3015"})
    assert group.get_absolute_url() in response.content.decode()


def test_position_is_posted_used_once_and_never_put_in_a_link(client, make_group):
    for _ in range(25):
        make_group("5501")
    response = client.post(URL, {"lat": "69.64890", "lon": "18.95508", "radius": "25"})
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["used_position"] is True
    # The first page reads 21: more than one page, so a next page and no total.
    assert response.context["result"].many
    assert response.context["result"].page.has_next()
    second = client.post(URL, {"lat": "69.64890", "lon": "18.95508", "radius": "25", "page": "2"})
    assert second.context["result"].page.paginator.count == 25
    assert not second.context["result"].many
    assert response["Cache-Control"] == "no-store"
    # The next page is fetched with the same POST, not a link carrying the position.
    assert not re.search(r'href="[^"]*69\.6', html)
    assert 'formmethod="post"' in html
    assert response.cookies == {}


def test_no_hits_suggests_wider_radius_digital_and_the_nearest_contact_point(client, make_group):
    far = make_group("5501")  # Tromsø group and contact point
    response = client.get(URL, {"q": "Alta", "radius": "5"})
    html = response.content.decode()
    assert "radius=10" in html
    assert "format=digital" in html
    assert far.contact_point.name in html


def test_unknown_place_gets_a_clear_message(client, gazetteer):
    response = client.get(URL, {"q": "Atlantis"})
    assert response.status_code == 200
    assert "Atlantis" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_public_page_never_shows_members_place_or_link(client, make_group):
    group = make_group(
        "3301", place="Kirkegata 5, 2. etasje", meeting_url="https://meet.example/secret"
    )
    MembershipFactory(group=group, user=UserFactory(display_name="Skjult Navn"))
    for user in (None, UserFactory()):
        if user:
            client.force_login(user)
        html = client.get(group.get_absolute_url()).content.decode()
        assert "Kirkegata" not in html and "meet.example" not in html
        assert "Skjult Navn" not in html
        assert group.cadence_text in re.sub(r"<[^>]+>", "", html)


def _bulk_groups(template, count, start):
    Group.objects.bulk_create(
        [
            Group(
                slug=f"many-{start + i}",
                name="G",
                theme=template.theme,
                contact_point=template.contact_point,
                kommune=template.kommune,
                latitude=template.latitude,
                longitude=template.longitude,
                state=Group.State.SELF_RUN,
            )
            for i in range(count)
        ]
        + [
            Group(
                slug=f"digital-{start + i}",
                name="D",
                theme=template.theme,
                contact_point=template.contact_point,
                format=Group.Format.DIGITAL,
                state=Group.State.FORMING,
            )
            for i in range(count)
        ]
    )


# The test's own transaction turns the page statement's transaction into a
# savepoint; a request in autocommit sends none of these.
SAVEPOINT_CONTROL = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


def _queries(client, **params):
    # Cold: the theme choices and the digital count come from the database too.
    clear_caches()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return [q["sql"] for q in captured if not q["sql"].startswith(SAVEPOINT_CONTROL)]


def _information_meetings(contact_point, count: int) -> None:
    starts = timezone.now() + datetime.timedelta(days=7)
    InformationMeeting.objects.bulk_create(
        InformationMeeting(
            contact_point=contact_point,
            kommune=contact_point.kommune,
            starts_at=starts + datetime.timedelta(days=i),
            ends_at=starts + datetime.timedelta(days=i, hours=2),
            place="Biblioteket",
            description="Om selvhjelpsgrupper.",
        )
        for i in range(count)
    )


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_query_count_is_constant_at_10_and_1000_results(client, make_group):
    template = make_group("3301")
    _bulk_groups(template, 9, 0)
    _information_meetings(template.contact_point, 1)
    client.get(URL, {"q": "Drammen"})  # warms the in-memory place index
    small = (_queries(client, q="Drammen"), _queries(client), _queries(client, format="digital"))
    _bulk_groups(template, 990, 100)
    _information_meetings(template.contact_point, 20)
    large = (_queries(client, q="Drammen"), _queries(client), _queries(client, format="digital"))
    assert [len(q) for q in small] == [len(q) for q in large]
    # Theme choices, the nearest ids (count and pages in one), the digital preview's
    # ids (its number too), the cards of both lists in one statement, the kommuner
    # they name, the information meetings' points and the nearby ones; on PostgreSQL
    # also the nearest ids' SET LOCAL.
    near = large[0]
    assert len(near) <= 8, near
    assert not [sql for sql in near if "COUNT(" in sql and "earth" in sql], "no radius count"
    if connection.vendor == "postgresql":
        assert sum(sql.startswith("SET LOCAL enable_bitmapscan") for sql in near) == 1
    # Warm, the theme choices, the digital preview, the kommuner and the meetings'
    # points come from the cache.
    client.get(URL, {"q": "Drammen"})
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"q": "Drammen"}).status_code == 200
    warm = [q["sql"] for q in captured if not q["sql"].startswith(SAVEPOINT_CONTROL)]
    assert len(warm) == len(near) - 4, warm
    # Far from every information meeting, a warm search reads none.
    client.get(URL, {"q": "Tromsø"})
    with CaptureQueriesContext(connection) as captured:
        far = client.get(URL, {"q": "Tromsø"})
    assert far.context["result"].query.has_point
    assert not [q for q in captured if "informationmeeting" in q["sql"]], captured


def test_a_place_search_reads_as_far_as_the_page_and_lists_at_most_the_nearest_hundred(
    client, make_group, django_assert_max_num_queries
):
    template = make_group("3301")
    _bulk_groups(template, 120, 0)
    response = client.get(URL, {"q": "Drammen"})
    result = response.context["result"]
    # Page 1 reads 21 ids: there is more, but how much more is not counted.
    assert result.many and result.page.paginator.count == 21
    assert len(result.page.object_list) == 20 and result.page.has_next()
    html = response.content.decode()
    assert "Grupper innenfor 25 km fra Drammen (Buskerud), nærmeste først" in html
    assert "Side 1</span>" in html and "Side 1 av" not in html
    third = client.get(URL, {"q": "Drammen", "page": 3}).context["result"]
    assert third.many and third.page.number == 3 and third.page.has_next()
    # The fifth page is the last: the nearest hundred at most.
    last = client.get(URL, {"q": "Drammen", "page": 5}).context["result"].page
    assert len(last.object_list) == 20 and not last.has_next()
    beyond = client.get(URL, {"q": "Drammen", "page": 9}).context["result"].page
    assert beyond.number == 5
    api = client.get("/api/v1/groups", {"q": "Drammen"}).json()
    assert api["count"] == 21 and api["count_is_lower_bound"] is True and api["pages"] == 2
    assert len(api["results"]) == 20


def test_a_place_search_with_one_page_of_groups_counts_them_exactly(client, make_group):
    template = make_group("3301")
    _bulk_groups(template, 11, 0)
    response = client.get(URL, {"q": "Drammen"})
    result = response.context["result"]
    assert not result.many and result.page.paginator.count == 12
    assert "12 grupper innenfor 25 km fra Drammen" in response.content.decode()
    assert not result.page.has_other_pages()


param_text = st.text(max_size=30)
params = st.fixed_dictionaries(
    {},
    optional={
        "q": param_text,
        "lat": st.one_of(param_text, st.floats(allow_nan=True).map(str)),
        "lon": st.one_of(param_text, st.floats(allow_infinity=True).map(str)),
        "radius": st.one_of(param_text, st.integers(-10, 10**6).map(str)),
        "theme": st.lists(param_text, max_size=3),
        "weekday": st.lists(st.one_of(param_text, st.integers(-3, 9).map(str)), max_size=3),
        "time": st.lists(st.sampled_from(["morning", "evening", "night", ""]), max_size=3),
        "format": st.lists(st.sampled_from(["digital", "in_person", "hologram"]), max_size=2),
        "status": st.lists(st.sampled_from(["open", "waiting_list", "nope"]), max_size=2),
        "page": st.one_of(param_text, st.integers(-5, 10**12).map(str)),
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=params)
def test_any_query_string_gives_a_page_or_a_clear_error(client, gazetteer, data):
    clean = {
        # Control characters answer 400 before the finder (tests/security/test_bad_input.py).
        k: (
            [CONTROL_IN_VALUE.sub("", x) for x in v]
            if isinstance(v, list)
            else CONTROL_IN_VALUE.sub("", v)
        )
        for k, v in data.items()
    }
    for method in ("get", "post"):
        response = getattr(client, method)(URL, clean)
        assert response.status_code == 200, (method, data)
    api = client.get(reverse("api:search_groups"), clean)
    # 404: a well-formed search naming a place or theme that does not exist.
    assert api.status_code in (200, 400, 404), data
    if api.status_code >= 400:
        body = api.json()
        assert body["error"] in ("invalid_request", "not_found") and body["detail"]
