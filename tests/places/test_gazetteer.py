"""The real geography loaded by the places data migration (2024 numbering)."""

from __future__ import annotations

import pytest

from groups.forms import GroupForm
from organisations.models import District
from places.models import Fylke, Kommune, PostalCode, shared_kommune_names

pytestmark = pytest.mark.django_db

FYLKER_2024 = {
    "03": "Oslo",
    "11": "Rogaland",
    "15": "Møre og Romsdal",
    "18": "Nordland",
    "31": "Østfold",
    "32": "Akershus",
    "33": "Buskerud",
    "34": "Innlandet",
    "39": "Vestfold",
    "40": "Telemark",
    "42": "Agder",
    "46": "Vestland",
    "50": "Trøndelag",
    "55": "Troms",
    "56": "Finnmark",
}


def test_all_fylker_and_kommuner_of_2024():
    assert dict(Fylke.objects.values_list("number", "name")) == FYLKER_2024
    assert Kommune.objects.count() == 357


@pytest.mark.parametrize(
    ("number", "name", "fylke"),
    [
        ("0301", "Oslo", "03"),
        ("1103", "Stavanger", "11"),
        ("1508", "Ålesund", "15"),
        ("1580", "Haram", "15"),
        ("3107", "Fredrikstad", "31"),
        ("3205", "Lillestrøm", "32"),
        ("3301", "Drammen", "33"),
        ("3905", "Tønsberg", "39"),
        ("4003", "Skien", "40"),
        ("4204", "Kristiansand", "42"),
        ("4601", "Bergen", "46"),
        ("5001", "Trondheim", "50"),
        ("5501", "Tromsø", "55"),
        ("5601", "Alta", "56"),
        ("5612", "Kautokeino", "56"),
        ("5632", "Båtsfjord", "56"),
        ("5636", "Nesseby", "56"),
    ],
)
def test_known_kommuner(number, name, fylke):
    kommune = Kommune.objects.select_related("fylke").get(number=number)
    assert kommune.name == name
    assert kommune.fylke.number == fylke


def test_pre_2024_numbers_are_gone():
    # Viken (30), Vestfold og Telemark (38), Troms og Finnmark (54), old Ålesund.
    old = Kommune.objects.filter(number__regex=r"^(30|38|54)") | Kommune.objects.filter(
        number="1507"
    )
    assert not old.exists()


def test_sami_names_are_kept_beside_the_norwegian_name():
    kautokeino = Kommune.objects.get(number="5612")
    assert "Guovdageaidnu" in kautokeino.other_names.split(";")


def test_every_kommune_has_a_point_inside_norway():
    outside = Kommune.objects.exclude(
        latitude__gte=57.9, latitude__lte=71.2, longitude__gte=4.5, longitude__lte=31.2
    )
    assert list(outside.values_list("number", flat=True)) == []


def test_points_of_some_towns_are_near_the_town():
    # About 0.1 degree is a few kilometres: the point is the town, not the wilderness.
    for number, (lat, lon) in {
        "0301": (59.91, 10.75),
        "4601": (60.39, 5.32),
        "5501": (69.65, 18.96),
        "3301": (59.74, 10.20),
    }.items():
        kommune = Kommune.objects.get(number=number)
        assert abs(kommune.latitude - lat) < 0.1
        assert abs(kommune.longitude - lon) < 0.1


@pytest.mark.parametrize(
    ("code", "place", "kommune"),
    [
        ("9008", "TROMSØ", "5501"),
        ("3015", "DRAMMEN", "3301"),
        ("0150", "OSLO", "0301"),
        ("5003", "BERGEN", "4601"),
        ("6270", "BRATTVÅG", "1580"),
        ("9520", "KAUTOKEINO", "5612"),
    ],
)
def test_postal_codes(code, place, kommune):
    postal_code = PostalCode.objects.select_related("kommune").get(code=code)
    assert postal_code.place == place
    assert postal_code.kommune.number == kommune


def test_postal_codes_cover_every_kommune():
    assert PostalCode.objects.count() > 5000
    assert Kommune.objects.filter(postal_codes__isnull=True).count() == 0


def test_every_fylke_belongs_to_exactly_one_of_the_seven_districts():
    assert District.objects.count() == 7
    assert not Fylke.objects.filter(district__isnull=True).exists()
    assert District.objects.get(slug="nord-norge").fylker.count() == 3
    assert set(
        District.objects.get(slug="buskerud-vestfold-telemark").fylker.values_list(
            "number", flat=True
        )
    ) == {"33", "39", "40"}
    assert Fylke.objects.get(number="03").district.office_town == "Oslo"


def test_kommuner_that_share_a_name_are_told_apart_by_their_fylke():
    labels = {k.number: str(k) for k in Kommune.objects.select_related("fylke")}
    assert labels["1515"] == "Herøy (Møre og Romsdal)"
    assert labels["1818"] == "Herøy (Nordland)"
    assert labels["3114"] == "Våler (Østfold)"
    assert labels["3419"] == "Våler (Innlandet)"
    assert labels["0301"] == "Oslo"
    assert len(set(labels.values())) == len(labels)


def test_the_group_form_offers_each_kommune_under_a_name_of_its_own(django_assert_num_queries):
    shared_kommune_names.cache_clear()
    field = GroupForm().fields["kommune"]
    with django_assert_num_queries(2):  # the shared names, then the kommuner with their fylke
        labels = [label for _value, label in field.choices][1:]
    assert "Herøy (Møre og Romsdal)" in labels and "Herøy (Nordland)" in labels
    assert "Herøy" not in labels
