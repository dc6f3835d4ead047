"""The kommune map on the statistics page: its data file, the "<3" rule on
every shaded number, and who sees which part of the country."""

from __future__ import annotations

import csv
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Group
from monitoring import maps
from places.models import Kommune
from places.shapes import SHAPES_FILE, kommune_shapes, parse_shapes, path_box
from tests.factories import ContactPointFactory, GroupFactory

from .conftest import MapWorld, build_map_world, register_interest

DASHBOARD = reverse("monitoring:dashboard")
PATH_D = re.compile(r"^(M-?\d+ -?\d+l-?\d+ -?\d+( -?\d+ -?\d+)+z)+$")
SMALL = maps.SMALL_FILL


def test_the_data_file_has_every_kommune_with_a_valid_path():
    shapes = kommune_shapes()
    with (SHAPES_FILE.parent / "kommuner.csv").open(encoding="utf-8") as handle:
        numbers = {row["number"] for row in csv.DictReader(handle)}
    assert len(numbers) == 357
    assert set(shapes.paths) == numbers
    x, y, width, height = shapes.viewbox
    for number, d in shapes.paths.items():
        assert PATH_D.match(d), number
        x0, y0, x1, y1 = path_box(d)
        assert x <= x0 < x1 <= x + width and y <= y0 < y1 <= y + height, number
    # Ålesund and Haram were one kommune in the 2020 boundaries: one outline.
    assert shapes.shared["1508"] == ("1508", "1580")
    assert shapes.paths["1508"] == shapes.paths["1580"]
    assert sum(1 for d in set(shapes.paths.values())) == 356
    # small enough to ship in a page
    assert SHAPES_FILE.stat().st_size < 300_000
    assert len(shapes.fylke_borders) >= 14  # 15 fylker, each meets another


def test_an_outline_with_anything_but_path_commands_is_refused():
    good = {"viewbox": [0, 0, 10, 10], "shared": [], "kommuner": {"0301": "M1 1l2 0 0 2z"}}
    assert parse_shapes(json.dumps(good)).boxes["0301"] == (1, 1, 3, 3)
    bad = {**good, "kommuner": {"0301": 'M1 1l2 0 0 2z"/><script>alert(1)</script>'}}
    with pytest.raises(ValueError, match="0301"):
        parse_shapes(json.dumps(bad))


def test_north_is_up_and_south_is_down():
    boxes = kommune_shapes().boxes
    oslo, tromso, kristiansand = boxes["0301"], boxes["5501"], boxes["4204"]
    assert tromso[3] < oslo[1]  # Tromsø's southern edge lies above Oslo
    assert kristiansand[1] > oslo[1]
    assert boxes["5636"][0] > boxes["4601"][2]  # Nesseby lies east of Bergen


@pytest.fixture
def map_world(clock, roles) -> MapWorld:
    return build_map_world(roles)


def paths(content: str) -> dict[str, tuple[str, str]]:
    """kommune number -> (fill, title) of every path on the map."""
    found = re.findall(
        r'<path d="[^"]+" fill="(#[0-9a-f]{6}|url\(#map-small\))" '
        r'data-kommune="(\d{4})"><title>([^<]*)</title>',
        content,
    )
    return {number: (fill, title) for fill, number, title in found}


def get(client: Any, **query: str) -> str:
    response = client.get(DASHBOARD, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def english(role_client: Any, role: str) -> Any:
    client = role_client(role)
    client.cookies["django_language"] = "en"
    return client


def test_groups_layer_suppresses_small_numbers(map_world, role_client):
    content = get(english(role_client, "district_staff"))
    drawn = paths(content)
    fill, title = drawn["4601"]
    assert fill == SMALL  # one group: "fewer than 3", never a shade of its own
    assert title == (
        "Bergen: running groups &lt;3, members 4, waiting with no group within reach 0"
    )
    fill, title = drawn["4621"]
    assert fill == "#6baed6"  # 3 groups
    assert "running groups 3, members 15" in title
    assert drawn["4640"][0] == maps.NONE_COLOUR
    assert "waiting with no group within reach 4" in drawn["4640"][1]
    assert "waiting with no group within reach &lt;3" in drawn["4602"][1]
    assert 'role="img"' in content and '<title id="map-title">' in content
    # "<3" is striped: the pattern is defined in the map itself
    assert f'<pattern id="{maps.SMALL_PATTERN}"' in content
    # The summary counts the drawn kommuner by class: Voss has 3 or more,
    # Bergen fewer than 3, the other 41 of Vestland none.
    desc = re.search(r'<desc id="map-desc">([^<]*)</desc>', content)
    assert desc is not None
    assert desc.group(1).endswith("1 with 3 or more, 1 with fewer than 3, 41 with none.")


def test_waiting_layer_is_shaded_by_unmet_demand(map_world, role_client):
    content = get(english(role_client, "district_staff"), kart="venter")
    drawn = paths(content)
    assert drawn["4640"][0] == "#fd8d3c"  # 4 people waiting
    assert drawn["4602"][0] == SMALL  # 2 people: "<3"
    assert drawn["4601"][0] == maps.NONE_COLOUR  # met by the group in Bergen
    assert 'name="kart" value="venter"' in content  # the filters keep the layer


def test_the_table_holds_the_same_numbers(map_world, role_client):
    content = get(english(role_client, "district_staff"))
    table = content.split('id="caption-map"')[1].split("</table>")[0]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td[^>]*>[^<]*</td>)+)</tr>', table)
    cells = {name: re.findall(r"<td[^>]*>([^<]*)</td>", tds) for name, tds in rows}
    assert cells["Bergen"] == ["&lt;3", "4", "0"]
    assert cells["Voss"] == ["3", "15", "0"]
    assert cells["Sogndal"] == ["0", "0", "4"]
    assert cells["Kinn"] == ["0", "0", "&lt;3"]
    assert "Stavanger" not in cells


def test_a_district_sees_only_its_fylker_cropped(map_world, role_client):
    content = get(english(role_client, "district_staff"))
    drawn = paths(content)
    vestland = set(Kommune.objects.filter(fylke__number="46").values_list("number", flat=True))
    assert set(drawn) == vestland
    assert "Stavanger" not in content
    viewbox = re.search(r'<svg class="map"[^>]* viewBox="(-?\d+) (-?\d+) (\d+) (\d+)"', content)
    assert viewbox is not None
    x, y, width, height = (int(v) for v in viewbox.groups())
    boxes = [kommune_shapes().boxes[n] for n in vestland]
    assert x <= min(b[0] for b in boxes) and x + width >= max(b[2] for b in boxes)
    assert y <= min(b[1] for b in boxes) and y + height >= max(b[3] for b in boxes)
    assert width < kommune_shapes().viewbox[2] / 2  # cropped, not the country


def test_another_district_does_not_see_these_numbers(map_world, role_client):
    content = get(english(role_client, "district_staff_other"))
    drawn = paths(content)
    assert set(drawn) == set(
        Kommune.objects.filter(fylke__number="11").values_list("number", flat=True)
    )
    assert drawn["1103"][0] == "#2171b5"  # 5 groups
    assert "Bergen" not in content and "Sogndal" not in content


def test_national_admin_sees_the_whole_country(map_world, role_client):
    content = get(english(role_client, "national_admin"))
    drawn = paths(content)
    # every kommune but Haram, which shares Ålesund's outline
    assert len(drawn) == 356
    assert "1580" not in drawn
    assert "Ålesund: " in drawn["1508"][1] and "; Haram: " in drawn["1508"][1]
    x, y, width, height = kommune_shapes().viewbox
    assert f'viewBox="{x} {y} {width} {height}"' in content
    district_b = get(english(role_client, "national_admin"), distrikt="distrikt-b")
    assert set(paths(district_b)) == set(
        Kommune.objects.filter(fylke__number="11").values_list("number", flat=True)
    )


def test_fylke_borders_are_drawn_between_fylker_on_the_map(map_world, role_client):
    borders = kommune_shapes().fylke_borders
    assert ("11", "46") in borders and ("46", "50") not in borders
    national = get(english(role_client, "national_admin"))
    assert borders[("11", "46")] in national and borders[("55", "56")] in national
    # Vestland alone: no fylke border, not even those to its neighbours
    district = get(english(role_client, "district_staff"))
    assert 'pointer-events="none"' not in district
    assert borders[("11", "46")] not in district


def test_a_kommune_filter_draws_that_kommune(map_world, role_client):
    content = get(english(role_client, "district_staff"), fylke="46", kommune="4621")
    assert set(paths(content)) == {"4621"}


def test_unknown_layer_shows_the_groups_layer(map_world, role_client):
    content = get(english(role_client, "district_staff"), kart="<script>")
    assert paths(content)["4621"][0] == "#6baed6"
    assert "&lt;script&gt;" not in content


def test_the_map_costs_one_query_whatever_the_data(map_world, role_client):
    client = english(role_client, "national_admin")
    get(client)  # warm caches (sessions, content types, the outlines)
    with CaptureQueriesContext(connection) as before:
        get(client)
    register_interest(map_world.theme, Kommune.objects.get(number="5601"), 6)
    cp = ContactPointFactory(slug="kp-alta", kommune=Kommune.objects.get(number="5601"))
    for _ in range(4):
        GroupFactory(contact_point=cp, theme=map_world.theme, state=Group.State.STARTING)
    with CaptureQueriesContext(connection) as after:
        get(client)
    assert len(after) == len(before)
    kommune_queries = [q for q in before.captured_queries if "places_kommune" in q["sql"]]
    assert any('"places_kommune"."number"' in q["sql"] for q in kommune_queries)
