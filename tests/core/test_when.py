"""Dates and times in each language: «tirsdag 15. desember kl. 18.00–20.00».

Every value is given in UTC, so each case also checks that the time shown
is Oslo's, on both sides of the daylight-saving changes and of New Year.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import Context, Template
from django.utils import translation

from core import when

UTC = datetime.UTC
OSLO = ZoneInfo("Europe/Oslo")


def utc(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=UTC)


# A Tuesday in winter: 17:00 UTC is 18:00 in Oslo (CET, +1).
WINTER_START = utc(2026, 12, 15, 17, 0)
WINTER_END = utc(2026, 12, 15, 19, 0)
# The last Sunday of March 2026 (29th): summer time from 02:00, +2 after.
BEFORE_SPRING = utc(2026, 3, 28, 17, 30)  # Saturday 18.30 in Oslo
AFTER_SPRING = utc(2026, 3, 29, 16, 30)  # Sunday 18.30 in Oslo
# The last Sunday of October 2026 (25th): back to +1 at 03:00.
BEFORE_AUTUMN = utc(2026, 10, 24, 16, 0)  # Saturday 18.00
AFTER_AUTUMN = utc(2026, 10, 25, 17, 0)  # Sunday 18.00
# New Year's Eve 23:30 in Oslo is still 22:30 UTC.
NEW_YEARS_EVE = utc(2026, 12, 31, 22, 30)
NEW_YEARS_DAY = utc(2026, 12, 31, 23, 30)  # 00.30 on 1 January 2027 in Oslo

CASES = {
    "nb": {
        "meeting_time": "tirsdag 15. desember kl. 18.00–20.00",
        "weekday_date_clock": "tirsdag 15. desember kl. 18.00",
        "date_clock": "15. desember kl. 18.00",
        "day_month_year": "15. desember 2026",
        "short_date": "15.12.2026",
        "short_datetime": "15.12.2026 kl. 18.00",
        "spring": ("lørdag 28. mars kl. 18.30", "søndag 29. mars kl. 18.30"),
        "autumn": ("lørdag 24. oktober kl. 18.00", "søndag 25. oktober kl. 18.00"),
        "new_year": ("torsdag 31. desember kl. 23.30", "fredag 1. januar 2027 kl. 00.30"),
    },
    "nn": {
        "meeting_time": "tysdag 15. desember kl. 18.00–20.00",
        "weekday_date_clock": "tysdag 15. desember kl. 18.00",
        "date_clock": "15. desember kl. 18.00",
        "day_month_year": "15. desember 2026",
        "short_date": "15.12.2026",
        "short_datetime": "15.12.2026 kl. 18.00",
        "spring": ("laurdag 28. mars kl. 18.30", "søndag 29. mars kl. 18.30"),
        "autumn": ("laurdag 24. oktober kl. 18.00", "søndag 25. oktober kl. 18.00"),
        "new_year": ("torsdag 31. desember kl. 23.30", "fredag 1. januar 2027 kl. 00.30"),
    },
    "en": {
        "meeting_time": "Tuesday 15 December, 18:00–20:00",
        "weekday_date_clock": "Tuesday 15 December at 18:00",
        "date_clock": "15 December at 18:00",
        "day_month_year": "15 December 2026",
        "short_date": "15/12/2026",
        "short_datetime": "15/12/2026 18:00",
        "spring": ("Saturday 28 March at 18:30", "Sunday 29 March at 18:30"),
        "autumn": ("Saturday 24 October at 18:00", "Sunday 25 October at 18:00"),
        "new_year": ("Thursday 31 December at 23:30", "Friday 1 January 2027 at 00:30"),
    },
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_2026():
    # "This year" decides whether a date carries its year.
    with time_machine.travel(utc(2026, 6, 1, 10, 0), tick=False):
        yield


@pytest.mark.parametrize("language", list(CASES))
def test_a_meeting_in_each_language(language):
    expected = CASES[language]
    with translation.override(language):
        assert when.meeting_time(WINTER_START, WINTER_END) == expected["meeting_time"]
        assert when.weekday_date_clock(WINTER_START) == expected["weekday_date_clock"]
        assert when.date_clock(WINTER_START) == expected["date_clock"]
        assert when.day_month(WINTER_START, year=True) == expected["day_month_year"]
        assert when.short_date(WINTER_START) == expected["short_date"]
        assert when.short_datetime(WINTER_START) == expected["short_datetime"]


@pytest.mark.parametrize("language", list(CASES))
@pytest.mark.parametrize(
    ("case", "before", "after"),
    [
        ("spring", BEFORE_SPRING, AFTER_SPRING),
        ("autumn", BEFORE_AUTUMN, AFTER_AUTUMN),
        ("new_year", NEW_YEARS_EVE, NEW_YEARS_DAY),
    ],
)
def test_oslo_time_across_daylight_saving_and_new_year(language, case, before, after):
    with translation.override(language):
        assert (
            when.weekday_date_clock(before),
            when.weekday_date_clock(after),
        ) == CASES[language][case]


def test_norwegian_names_are_lower_case_and_english_ones_capitalised():
    monday = datetime.date(2026, 1, 5)
    for language in ("nb", "nn"):
        with translation.override(language):
            for offset in range(7):
                name = when.weekday(monday + datetime.timedelta(days=offset))
                assert name == name.lower(), (language, name)
            for number in range(1, 13):
                name = when.month(datetime.date(2026, number, 1))
                assert name == name.lower(), (language, name)
    with translation.override("en"):
        assert when.weekday(monday) == "Monday"
        assert when.month(monday) == "January"


def test_the_year_shows_outside_the_current_year_or_when_asked():
    with translation.override("nb"):
        assert when.day_month(datetime.date(2026, 3, 1)) == "1. mars"
        assert when.day_month(datetime.date(2027, 3, 1)) == "1. mars 2027"
        assert when.day_month(datetime.date(2025, 3, 1)) == "1. mars 2025"
        assert when.day_month(datetime.date(2027, 3, 1), year=False) == "1. mars"
        assert when.day_month(datetime.date(2026, 3, 1), year=True) == "1. mars 2026"


def test_the_current_year_is_oslos_at_new_year():
    # 23:30 UTC on 31 December is already the new year in Oslo.
    with time_machine.travel(NEW_YEARS_DAY, tick=False), translation.override("nb"):
        assert when.day_month(datetime.date(2027, 1, 1)) == "1. januar"
        assert when.day_month(datetime.date(2026, 12, 31)) == "31. desember 2026"


def test_today_and_tomorrow_are_counted_in_oslo_across_new_year():
    evening = utc(2026, 12, 31, 21, 0)  # 22.00 in Oslo on New Year's Eve
    assert when.relative_day(utc(2026, 12, 31, 22, 30), evening) == "today"
    assert when.relative_day(utc(2026, 12, 31, 23, 30), evening) == "tomorrow"
    assert when.relative_day(utc(2027, 1, 1, 23, 30), evening) == "other"


def test_clock_accepts_a_time_of_day_and_seconds():
    with translation.override("nn"):
        assert when.clock(datetime.time(9, 5)) == "09.05"
        assert when.clock(utc(2026, 7, 1, 7, 5, 9), seconds=True) == "09.05.09"
        assert when.clock_range(datetime.time(18), datetime.time(20, 30)) == "18.00–20.30"
    with translation.override("en"):
        assert when.clock(datetime.time(9, 5)) == "09:05"
        assert when.short_datetime(utc(2026, 7, 1, 7, 5, 9), seconds=True) == (
            "01/07/2026 09:05:09"
        )


@pytest.mark.parametrize("language", list(CASES))
def test_template_filters_say_the_same(language):
    template = Template(
        "{% load when %}{{ start|meeting_time:end }}|{{ start|weekday_date_clock }}|"
        "{{ start|date_clock }}|{{ start|day_month_year }}|{{ start|short_date }}|"
        "{{ start|short_datetime }}|{{ missing|meeting_time:end }}|{{ missing|day_month }}"
    )
    with translation.override(language):
        rendered = template.render(Context({"start": WINTER_START, "end": WINTER_END}))
    expected = CASES[language]
    # On pages the times of a meeting stay on one line (a nowrap span).
    assert rendered.split("|")[0].count('<span class="nowrap">') == 1
    rendered = re.sub(r"</?span[^>]*>", "", rendered)
    assert rendered.split("|") == [
        expected["meeting_time"],
        expected["weekday_date_clock"],
        expected["date_clock"],
        expected["day_month_year"],
        expected["short_date"],
        expected["short_datetime"],
        "",
        "",
    ]


def test_times_nowrap_keeps_each_time_range_on_one_line_and_escapes_the_rest():
    from core.templatetags.when import times_nowrap

    html = times_nowrap("tirsdager kl. 18.00–20.00, <hver> uke og 9:30–11:00")
    assert html == (
        'tirsdager <span class="nowrap">kl. 18.00–20.00</span>, &lt;hver&gt; uke og '
        '<span class="nowrap">9:30–11:00</span>'
    )
