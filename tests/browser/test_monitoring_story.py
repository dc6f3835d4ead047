"""A district office looks at its statistics in the browser: filters, a wrong
time range, and a CSV download; every page checked with axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import submit, use_session
from tests.conftest import build_world
from tests.monitoring.conftest import build_stats

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_staff_filter_and_download(page, live_server, axe_check, tmp_path: Path):
    world = build_world()
    stats = build_stats(world)
    use_session(page, live_server, world.user("district_staff"), mfa=True)

    page.goto(f"{live_server.url}/personale/statistikk/")
    axe_check(page)
    assert page.locator("svg[role=img]").count() >= 4
    # Every chart has a title and a description, and a table with the numbers.
    for chart in page.locator("svg[role=img]").all():
        labelled_by = chart.get_attribute("aria-labelledby") or ""
        assert len(labelled_by.split()) == 2
    assert "Frisklivssentralen Beta" not in page.content()

    page.select_option("#id_fylke", stats.fylke_a2.number)
    page.select_option("#id_tema", stats.theme2.slug)
    submit(page)
    assert f"fylke={stats.fylke_a2.number}" in page.url
    axe_check(page)
    kommuner = page.locator("#caption-kommuner").locator("xpath=..").inner_text()
    assert "Tredjekommune" in kommuner and "Alfakommune" not in kommuner

    page.fill("#id_fra", "2026-05")
    page.fill("#id_til", "2026-01")
    submit(page)
    axe_check(page)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.locator("svg[role=img]").count() == 0

    page.goto(f"{live_server.url}/personale/statistikk/?fylke={stats.fylke_a2.number}")
    link = page.locator("a[href*='/csv/months/']")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("selvhjelp-months-")
    assert download.suggested_filename.endswith(".csv")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    content = target.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines()[-1].startswith(("Total", "Totalt"))
