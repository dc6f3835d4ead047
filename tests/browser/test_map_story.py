"""A district officer reads the kommune map on a phone: titles with each
kommune's numbers, "<3" for small ones, the same numbers in the table, the
unmet-demand layer, and a print that leaves out the navigation; a national
administrator sees the whole country. Every page checked with axe-core, and
no request leaves the platform."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import time_machine

from places.shapes import kommune_shapes
from tests.browser.conftest import use_session
from tests.conftest import build_world
from tests.finder.conftest import gazetteer  # noqa: F401  (fixture)
from tests.monitoring.conftest import NOW, build_map_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 800}


def test_district_officer_reads_the_map_and_its_table(
    gazetteer,  # noqa: F811  (the real kommuner, reloaded if a transactional test flushed them)
    page,
    open_as,
    live_server,
    axe_check,
):
    with time_machine.travel(NOW, tick=True):
        world = build_world()
        build_map_world(world)
        hosts: set[str] = set()
        page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
        page.set_viewport_size(PHONE)
        use_session(page, live_server, world.user("district_staff"), mfa=True)

        page.goto(f"{live_server.url}/personale/statistikk/")
        axe_check(page)
        svg = page.locator("svg.map")
        assert svg.get_attribute("role") == "img"
        assert "aktive grupper" in page.locator("#map-title").text_content()
        assert "samme tallene" in page.locator("#map-desc").text_content()
        # The map fits the phone's width.
        box = svg.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]
        # Every kommune of Vestland, and nothing else, each with a title.
        kommuner = svg.locator("path[data-kommune]")
        assert kommuner.count() == 43
        titles = [t.text_content() or "" for t in svg.locator("path > title").all()]
        assert len(titles) == 43
        bergen = next(t for t in titles if t.startswith("Bergen:"))
        assert "aktive grupper <3" in bergen and "medlemmer 4" in bergen
        assert not any(t.startswith("Stavanger") for t in titles)

        table = page.locator("#caption-map").locator("xpath=..")
        bergen_row = table.locator("tr", has=page.locator("th", has_text="Bergen"))
        assert bergen_row.locator("td").all_inner_texts() == ["<3", "4", "0"]
        assert "Stavanger" not in table.inner_text()

        page.locator(".map-layers").get_by_role("link", name="Udekket behov").click()
        page.wait_for_url("**kart=venter**")
        axe_check(page)
        assert "folk som venter" in page.locator("#map-title").text_content()
        kinn = page.locator("svg.map path[data-kommune='4602'] > title").text_content() or ""
        assert kinn.endswith("venter uten gruppe innen rekkevidde <3")
        legend = page.locator(".map-legend").inner_text()
        assert "Færre enn 3 (<3)" in legend

        # On paper: the map and the tables, no navigation or filters.
        page.emulate_media(media="print")
        assert page.locator("svg.map").is_visible()
        assert page.locator("#caption-map").is_visible()
        assert page.locator("form.filters").is_hidden()
        assert page.locator(".map-layers").is_hidden()
        assert page.locator(".site-header nav").first.is_hidden()
        page.emulate_media(media="screen")

        national = open_as(world.user("national_admin"), mfa=True)
        national.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))
        national.goto(f"{live_server.url}/personale/statistikk/")
        axe_check(national)
        country = national.locator("svg.map")
        # Ålesund and Haram share one outline; the fylke borders are one path more
        assert country.locator("path[data-kommune]").count() == 356
        assert country.locator("path[pointer-events=none]").count() == 1
        x, y, width, height = kommune_shapes().viewbox
        assert country.get_attribute("viewBox") == f"{x} {y} {width} {height}"

        assert hosts == {urlsplit(live_server.url).netloc}
