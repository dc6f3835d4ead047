"""Printable outreach material: posters (A4) and cards (A6) with a QR code.

The QR code on the page is read back module by module from its SVG path and
compared with the QR symbol of the public page's address: the code a phone
scans is that address, and only that.
"""

from __future__ import annotations

import re

import pytest
import segno
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from directory.outreach import QR_ERROR
from groups.models import Group
from tests.factories import ContactPointFactory, GroupFactory, ThemeFactory

pytestmark = pytest.mark.django_db

PLACE = "Kjellerstua i Storgata 7"
HOST = "selvhjelp.example"


@pytest.fixture(autouse=True)
def _served_as(settings):
    """The address in the code comes from the request: serve under a real-looking host."""
    settings.ALLOWED_HOSTS = [HOST, "testserver"]


@pytest.fixture
def group():
    contact_point = ContactPointFactory(
        slug="kp-tromso", name="Frisklivssentralen i Tromsø", public_phone="77 79 00 00"
    )
    return GroupFactory(
        slug="tirsdagsgruppa",
        contact_point=contact_point,
        theme=ThemeFactory(name_nb="Samlivsbrudd", name_nn="Samlivsbrot", name_en="Break-ups"),
        place=PLACE,
        state=Group.State.STARTING,
        cadence=Group.Cadence.FORTNIGHTLY,
    )


def qr_matrix(html: str) -> list[list[bool]]:
    """The dark modules of the page's QR code, read from segno's SVG path.

    The path draws each run of dark modules as ``h<n>`` at half-module
    height, with relative moves (``m<dx> <dy>``) between runs.
    """
    svg = re.search(
        r'<svg aria-hidden="true" viewBox="0 0 (\d+) (\d+)" class="sheet__qr">.*?</svg>', html
    )
    assert svg, "no QR code on the page"
    size = int(svg.group(1))
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg.group(0)).group(1)
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([-\d. ]+)", path):
        numbers = [float(n) for n in args.split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:  # h: a run of dark modules on row y - 0.5
            for column in range(int(x), int(x + numbers[0])):
                grid[int(y - 0.5)][column] = True
            x += numbers[0]
    return grid


def encoded_url_matches(html: str, url: str) -> bool:
    expected = segno.make_qr(url, error=QR_ERROR, boost_error=False)
    border = 4
    grid = qr_matrix(html)
    inner = [row[border:-border] for row in grid[border:-border]]
    return inner == [[bool(module) for module in row] for row in expected.matrix]


@pytest.mark.parametrize("name", ["group_poster", "group_card"])
def test_a_group_sheet_shows_the_cadence_and_phone_and_never_the_place(group, name):
    response = Client(HTTP_HOST=HOST).get(reverse(f"directory:{name}", args=[group.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert PLACE not in html and "Sentrum" not in html  # neither place nor neighbourhood
    assert "Samlivsbrudd" in html
    with translation.override("nb"):
        # «Tirsdager …» with a capital, its times kept on one line by a span
        assert group.cadence_text[1:] in re.sub(r"<[^>]+>", "", html)
    assert re.search(r'<span class="nowrap">(kl\. )?\d\d[.:]\d\d–\d\d[.:]\d\d</span>', html)
    assert "annenhver uke" in html
    assert "77 79 00 00" in html
    assert f"http://{HOST}/grupper/tirsdagsgruppa/" in html
    assert encoded_url_matches(html, f"http://{HOST}/grupper/tirsdagsgruppa/")


@pytest.mark.parametrize("name", ["contact_point_poster", "contact_point_card"])
def test_a_contact_point_sheet_leads_to_its_entry(group, name):
    response = Client(HTTP_HOST=HOST).get(reverse(f"directory:{name}", args=["kp-tromso"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Frisklivssentralen i Tromsø" in html and "77 79 00 00" in html
    assert PLACE not in html
    assert encoded_url_matches(html, f"http://{HOST}/kontaktpunkter/kp-tromso/")
    # The poster names the public groups; the card has no room for them.
    assert ("Samlivsbrudd" in html) == (name == "contact_point_poster")


def test_a_poster_lists_five_groups_and_counts_the_rest(group):
    for n in range(5):
        GroupFactory(contact_point=group.contact_point, name=f"Gruppe {n}")
    GroupFactory(contact_point=group.contact_point, state=Group.State.DRAFT, place="Utkast 1")

    html = Client().get(reverse("directory:contact_point_poster", args=["kp-tromso"])).content
    text = html.decode()

    assert text.count("<li>") == 5
    assert "Og 1 gruppe til på siden." in text
    assert "Utkast 1" not in text


@pytest.mark.parametrize("state", [Group.State.DRAFT, Group.State.ENDED], ids=["draft", "ended"])
@pytest.mark.parametrize("name", ["group_poster", "group_card"])
def test_only_public_groups_have_sheets(group, state, name):
    group.state = state
    group.save()

    assert Client().get(reverse(f"directory:{name}", args=[group.slug])).status_code == 404


def test_an_inactive_or_unknown_contact_point_has_no_sheet(group):
    group.contact_point.is_active = False
    group.contact_point.save()
    client = Client()

    assert (
        client.get(reverse("directory:contact_point_poster", args=["kp-tromso"])).status_code == 404
    )
    assert (
        client.get(reverse("directory:contact_point_card", args=["finnes-ikke"])).status_code == 404
    )


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nb", ["Selvhjelpsgruppe", "Skriv ut et kort i stedet", "Samlivsbrudd"]),
        ("nn", ["Sjølvhjelpsgruppe", "Skriv ut eit kort i staden", "Samlivsbrot"]),
        ("en", ["Self-help group", "Print a card instead", "Break-ups"]),
    ],
)
def test_a_sheet_speaks_the_visitors_language(group, language, words):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = client.get(reverse("directory:group_poster", args=[group.slug])).content.decode()

    assert f'<html lang="{language}">' in html
    for word in words:
        assert word in html


def test_the_public_pages_link_to_their_sheets(group):
    client = Client()

    group_page = client.get(group.get_absolute_url()).content.decode()
    entry = client.get(group.contact_point.get_absolute_url()).content.decode()

    assert reverse("directory:group_poster", args=[group.slug]) in group_page
    assert reverse("directory:group_card", args=[group.slug]) in group_page
    assert "Skriv ut plakat" in group_page and "Skriv ut kort" in group_page
    assert reverse("directory:contact_point_poster", args=["kp-tromso"]) in entry
    assert reverse("directory:contact_point_card", args=["kp-tromso"]) in entry


def test_a_sheet_is_refused_for_post(group):
    response = Client().post(reverse("directory:group_poster", args=[group.slug]))

    assert response.status_code == 405


@pytest.mark.parametrize("extra", [0, 8])
def test_a_contact_points_poster_costs_the_same_queries_for_any_number_of_groups(
    group, extra, django_assert_num_queries
):
    for _ in range(extra):
        GroupFactory(contact_point=group.contact_point)
    client = Client()
    url = reverse("directory:contact_point_poster", args=["kp-tromso"])
    client.get(url)  # sessions and the like settle on the first request

    # The contact point, its groups and the waiting cells (nobody waits here,
    # so no query for their themes).
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_a_group_sheet_costs_one_query(group, django_assert_num_queries):
    client = Client()
    url = reverse("directory:group_card", args=[group.slug])
    client.get(url)

    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200
