"""The finder's cards, read by id in one statement, say what the group's own model says."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from groups import cards, search
from groups.models import Group
from groups.templatetags import group_tags
from tests.conftest import clear_caches
from tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db

SCHEDULES = [
    {"cadence": Group.Cadence.WEEKLY, "weekday": 1, "start_time": datetime.time(18, 0)},
    {"cadence": Group.Cadence.FORTNIGHTLY, "weekday": 3, "start_time": datetime.time(9, 30)},
    {
        "cadence": Group.Cadence.CUSTOM,
        "weekday": 0,
        "custom_days": "MO,TH",
        "start_time": datetime.time(12, 15),
        "duration_minutes": 75,
    },
]


def test_a_card_says_what_the_group_says_in_every_language():
    groups = [
        GroupFactory(
            **schedule,
            state=state,
            capacity=capacity,
            area=area,
            theme__name_nn="Tema på nynorsk",
        )
        for schedule in SCHEDULES
        for state, capacity, area in (
            (Group.State.FORMING, 8, "Sentrum"),
            (Group.State.SELF_RUN, 2, ""),
            (Group.State.PAUSED, 3, "Nord"),
        )
    ]
    digital = GroupFactory(format=Group.Format.DIGITAL, kommune=None, area="")
    for group in groups:
        for _ in range(min(group.capacity, 2)):  # capacity 2: full; 3: few seats
            MembershipFactory(group=group)
    groups.append(digital)
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            found = cards.read([g.pk for g in groups])
            for group in groups:
                group.refresh_from_db()
                card = found[group.pk]
                assert card.public_status == group.public_status
                assert card.availability_label == group.get_availability_display()
                assert card.cadence_text == group.cadence_text
                assert card.theme_name == group.theme.name
                assert card.get_absolute_url() == group.get_absolute_url()
                assert card.is_digital == group.is_digital
                assert card.kommune_name == (group.kommune.name if group.kommune else "")
                assert card.start_time == group.start_time
                # The theme names a card, not the name.
                assert group.name not in group_tags.group_cards([card])


def test_only_groups_anyone_may_see_are_read():
    shown = GroupFactory()
    ended = GroupFactory(state=Group.State.ENDED)
    draft = GroupFactory(state=Group.State.DRAFT)
    assert set(cards.read([shown.pk, ended.pk, draft.pk, 999_999])) == {shown.pk}


def test_no_ids_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cards.read([]) == {}


def test_one_statement_for_any_number_of_cards(django_assert_num_queries):
    ids = [GroupFactory().pk for _ in range(30)]
    clear_caches()
    cards.read(ids[:1])  # the theme choices
    with django_assert_num_queries(1):
        assert len(cards.read(ids)) == 30


def test_only_the_nearby_cards_get_a_distance():
    near = GroupFactory(latitude=59.92, longitude=10.75)
    digital = GroupFactory(format=Group.Format.DIGITAL, kommune=None, latitude=None, longitude=None)
    found = cards.read([near.pk, digital.pk], near=(59.91, 10.75), near_ids=[near.pk])
    assert found[near.pk].distance_m == pytest.approx(
        search.great_circle_m(59.91, 10.75, 59.92, 10.75)
    )
    assert found[digital.pk].distance_m is None
    assert cards.read([near.pk])[near.pk].distance_m is None


def test_a_digital_group_that_ends_leaves_the_preview_at_once(client):
    """The preview's ids are cached for a minute; the cards are read fresh."""
    first = GroupFactory(format=Group.Format.DIGITAL, kommune=None, name="A")
    GroupFactory(format=Group.Format.DIGITAL, kommune=None, name="B")
    assert len(client.get("/grupper/").context["result"].digital) == 2
    assert len(client.get("/api/v1/groups").json()["digital"]) == 2
    Group.objects.filter(pk=first.pk).update(state=Group.State.ENDED)
    digital = client.get("/grupper/").context["result"].digital
    public = [g for g in Group.objects.public() if g.is_digital]
    assert [card.pk for card in digital] == [g.pk for g in public]
    api = client.get("/api/v1/groups").json()["digital"]
    assert [g["slug"] for g in api] == [g.slug for g in public]


def test_a_listing_read_by_id_says_what_the_group_itself_says():
    """The API's search reads listings in one statement; its group page builds them
    from the model: both give the same answer."""
    from groups.api import group_out, group_outs
    from groups.cards import Listing

    groups = [
        GroupFactory(**schedule, age_max=age_max, language=language, theme__is_mixed=mixed)
        for schedule in SCHEDULES
        for age_max, language, mixed in ((None, "nb", False), (40, "en", True))
    ]
    groups.append(GroupFactory(format=Group.Format.DIGITAL, kommune=None, area=""))
    for group in groups[:2]:
        MembershipFactory(group=group)
    site = "https://selvhjelp.example"
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            found = cards.read(
                [g.pk for g in groups], near=(59.91, 10.75), near_ids=[groups[0].pk], full=True
            )
            for group in groups:
                group = Group.objects.select_related(
                    "theme", "kommune__fylke", "contact_point"
                ).get(pk=group.pk)
                distance = found[group.pk].card.distance_m
                out = group_out(found[group.pk], site)
                assert out == group_out(Listing.of_group(group, distance_m=distance), site)
                assert out["status_label"] == group.get_public_status_display()
                assert out["availability_label"] == group.get_availability_display()
                assert out["url"] == site + group.get_absolute_url()
                assert group_outs([found[group.pk]], site) == [out]
    assert found[groups[0].pk].card.distance_m is not None


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_a_cards_distance_reads_as_the_distance_filter_writes_it(language):
    words = group_tags._card_words(language, "/")
    with translation.override(language):
        for metres in (0, 40, 49.9, 50, 950, 2250, 2350, 12_345.6, 99_999, 1_234_567):
            assert words.km(metres) == group_tags.distance_km(metres), metres


def test_a_list_of_cards_is_its_cards_one_by_one():
    groups = [GroupFactory(**schedule) for schedule in SCHEDULES]
    groups.append(GroupFactory(format=Group.Format.DIGITAL, kommune=None, area=""))
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            found = cards.read([g.pk for g in groups], near=(59.91, 10.75), near_ids=[groups[0].pk])
            listed = [found[g.pk] for g in groups]
            html = group_tags.group_cards(listed)
            for card in listed:
                assert group_tags.group_cards([card]) in html
                assert f'href="{card.get_absolute_url()}"' in html
            assert html.count('<li class="ds-card card"') == len(listed)
