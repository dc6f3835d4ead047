"""The public sees seats in words, never numbers: «Ledige plasser», «Få plasser igjen», «Full».

Capacity and free seats together would make every published group's member
count public, including the small ones the statistics hide.
"""

from __future__ import annotations

import re

import pytest

from groups.models import FEW_SEATS, Availability, Group, availability_of
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("free", "expected"),
    [
        (0, Availability.FULL),
        (1, Availability.FEW_SEATS),
        (FEW_SEATS, Availability.FEW_SEATS),
        (FEW_SEATS + 1, Availability.SEATS),
        (12, Availability.SEATS),
    ],
)
def test_free_seats_become_words(free, expected):
    assert availability_of(free_seats=free) == expected


def _groups() -> dict[str, Group]:
    common = {
        "format": Group.Format.DIGITAL,
        "kommune": None,
        "capacity": 8,
        "state": Group.State.STARTING,
        "open_for_new_members": True,
    }
    return {
        "seats": GroupFactory(slug="mange-plasser", member_count=3, **common),
        "few": GroupFactory(slug="faa-plasser", member_count=7, **common),
        "full": GroupFactory(slug="full-gruppe", member_count=8, **common),
    }


@pytest.mark.parametrize(
    ("which", "words"),
    [
        ("seats", "Ledige plasser"),
        ("few", "Få plasser igjen"),
        ("full", "Full"),
    ],
)
def test_the_public_page_says_it_in_words(client, which, words):
    group = _groups()[which]
    body = client.get(group.get_absolute_url()).content.decode()
    assert words in body
    assert not re.search(r"\d+ (av|of) \d+", body)
    assert "plasser er ledig" not in body


def test_the_api_gives_no_count(client):
    groups = _groups()
    for key, group in groups.items():
        data = client.get(f"/api/v1/groups/{group.slug}").json()
        assert "capacity" not in data and "free_seats" not in data
        assert data["availability"] == group.availability.value, key
        assert data["availability_label"] == str(group.availability.label)
    found = client.post(
        "/api/v1/groups/search", {"format": ["digital"]}, content_type="application/json"
    ).json()
    assert len(found["results"]) == 3  # digital only: the digital groups are the results
    for row in found["results"]:
        assert "capacity" not in row and "free_seats" not in row
        assert row["availability"] in Availability.values


def test_the_finder_shows_words_and_its_status_filter_still_works(client):
    groups = _groups()
    body = client.get("/grupper/", {"format": "digital", "status": "open"}).content.decode()
    assert groups["seats"].get_absolute_url() in body
    assert groups["few"].get_absolute_url() in body
    assert groups["full"].get_absolute_url() not in body
    assert "Ledige plasser" in body and "Få plasser igjen" in body
    assert not re.search(r"\d+ ledige? plass", body)

    full = client.get("/grupper/", {"format": "digital", "status": "waiting_list"})
    body = full.content.decode()
    assert groups["full"].get_absolute_url() in body
    assert groups["seats"].get_absolute_url() not in body
