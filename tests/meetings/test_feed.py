"""Calendar feeds, parsed with icalendar and recurring-ical-events."""

from __future__ import annotations

import datetime
import re

import icalendar
import pytest
import recurring_ical_events
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core import when
from groups.models import Group
from meetings import services
from meetings.models import CalendarFeed, Meeting
from meetings.selectors import upcoming_for_group
from pledges.models import PledgeSignature
from tests.conftest import login
from tests.factories import MembershipFactory

from .conftest import OSLO, future_meeting, make_group

pytestmark = pytest.mark.django_db


def feed_url(user: User) -> str:
    feed = CalendarFeed.objects.get(user=user)
    return reverse("meetings:feed", kwargs={"token": feed.token})


def parse(body: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def page_meetings(client, group: Group) -> list[tuple[str, str]]:
    """(date, start, end) of each meeting on the group's inside page, in Bokmål."""
    html = client.get(group.inside_url("groups:inside")).content.decode()
    section = html.split('id="meetings-title"', 1)[1]
    section = section.split('<ul class="meeting-list">', 1)[1].split("</ul>", 1)[0]
    section = re.sub(r"<[^>]+>", "", section)
    # «tirsdag 15. desember kl. 18.00–20.00», the year only outside this one.
    return re.findall(r"(\d{1,2}\. \w+(?: \d{4})?) kl\. (\d\d\.\d\d)–(\d\d\.\d\d)", section)


def test_the_feed_lists_what_the_group_page_shows(meeting_group, client):
    member = meeting_group.member.user
    services.calendar_feed_renew(user=member)
    moved = future_meeting(meeting_group, 1)
    services.meeting_move(
        meeting=moved, actor=member, starts_at=moved.starts_at + datetime.timedelta(hours=1)
    )
    cancelled = future_meeting(meeting_group, 2)
    services.meeting_cancel(meeting=cancelled, actor=member)
    response = client.get(feed_url(member))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    events = parse(response.content)
    shown = upcoming_for_group(group=meeting_group.group)
    assert len(events) == len(shown) == 8
    assert [e["UID"] for e in events] == [f"meeting-{m.pk}@127.0.0.1" for m in shown] or all(
        str(e["UID"]).startswith(f"meeting-{m.pk}@") for e, m in zip(events, shown, strict=True)
    )
    assert [e.decoded("DTSTART") for e in events] == [m.starts_at for m in shown]
    assert [e.decoded("DTEND") for e in events] == [m.ends_at for m in shown]
    statuses = {str(e["UID"]).split("@")[0]: str(e["STATUS"]) for e in events}
    assert statuses[f"meeting-{cancelled.pk}"] == "CANCELLED"
    with translation.override("nb"):
        assert {str(e["SUMMARY"]) for e in events} == {translation.gettext("Group meeting")}
    text = response.content.decode()
    assert meeting_group.group.name not in text
    assert meeting_group.group.theme.name_nb not in text
    # The member has signed, so the place is there.
    assert {str(e["LOCATION"]) for e in events} == {meeting_group.group.place}

    # The same events through recurring-ical-events, and on the page.
    calendar = icalendar.Calendar.from_ical(response.content)
    now = timezone.now()
    expanded = recurring_ical_events.of(calendar).between(now, now + datetime.timedelta(weeks=20))
    assert sorted(e.decoded("DTSTART") for e in expanded) == [m.starts_at for m in shown]
    login(client, member)
    on_page = page_meetings(client, meeting_group.group)
    assert len(on_page) == 8
    local = [e.decoded("DTSTART").astimezone(timezone.get_current_timezone()) for e in events]
    assert [f"{d:%H.%M}" for d in local] == [start for _day, start, _end in on_page]


def test_no_place_for_members_who_have_not_signed(meeting_group, client):
    unsigned = MembershipFactory(group=meeting_group.group)
    services.calendar_feed_renew(user=unsigned.user)
    events = parse(client.get(feed_url(unsigned.user)).content)
    assert len(events) == 8
    assert all("LOCATION" not in e for e in events)
    assert meeting_group.group.place.encode() not in client.get(feed_url(unsigned.user)).content
    PledgeSignature.objects.all().delete()
    signed_before = meeting_group.member.user
    services.calendar_feed_renew(user=signed_before)
    assert all("LOCATION" not in e for e in parse(client.get(feed_url(signed_before)).content))


def test_titles_follow_the_members_language(meeting_group, client):
    member = meeting_group.member.user
    User.objects.filter(pk=member.pk).update(language="en")
    services.calendar_feed_renew(user=member)
    events = parse(client.get(feed_url(member)).content)
    assert {str(e["SUMMARY"]) for e in events} == {"Group meeting"}


def test_paused_groups_and_other_groups_are_not_in_the_feed(meeting_group, client):
    member = meeting_group.member.user
    other = make_group(n_members=1)
    services.meetings_materialise(group_id=other.group.pk)
    services.calendar_feed_renew(user=member)
    Group.objects.filter(pk=meeting_group.group.pk).update(state=Group.State.PAUSED)
    assert parse(client.get(feed_url(member)).content) == []


def test_regenerated_and_revoked_tokens_answer_404(meeting_group, client):
    member = meeting_group.member.user
    first = services.calendar_feed_renew(user=member).token
    old_url = reverse("meetings:feed", kwargs={"token": first})
    assert client.get(old_url).status_code == 200
    second = services.calendar_feed_renew(user=member).token
    assert second != first and len(second) >= 40
    assert client.get(old_url).status_code == 404
    assert client.get(reverse("meetings:feed", kwargs={"token": second})).status_code == 200
    services.calendar_feed_revoke(user=member)
    assert client.get(reverse("meetings:feed", kwargs={"token": second})).status_code == 404
    assert client.get(reverse("meetings:feed", kwargs={"token": "gjett"})).status_code == 404


def test_the_settings_page_creates_renews_and_revokes(meeting_group, client):
    member = meeting_group.member.user
    login(client, member)
    url = reverse("meetings:calendar")
    assert client.post(url, {"action": "create"}).status_code == 302
    token = CalendarFeed.objects.get(user=member).token
    assert token in client.get(url).content.decode()
    client.post(url, {"action": "renew"})
    assert CalendarFeed.objects.get(user=member).token != token
    client.post(url, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=member).exists()
    assert client.post(url, {"action": "???"}).status_code == 302


def test_single_meeting_download(meeting_group, client):
    member = meeting_group.member.user
    login(client, member)
    meeting = future_meeting(meeting_group)
    response = client.get(meeting_group.group.inside_url("meetings:ics", pk=meeting.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = parse(response.content)
    assert event.decoded("DTSTART") == meeting.starts_at
    assert str(event["UID"]).startswith(f"meeting-{meeting.pk}@")
    assert Meeting.objects.count() == 17


def test_the_feed_reads_a_fixed_number_of_queries(client, django_assert_num_queries):
    one = make_group(n_members=2)
    services.meetings_materialise(group_id=one.group.pk)
    user = one.member.user
    services.calendar_feed_renew(user=user)
    url = feed_url(user)
    with django_assert_num_queries(7) as small:
        assert len(parse(client.get(url).content)) == 8
    for _ in range(3):
        more = make_group(n_members=2)
        services.meetings_materialise(group_id=more.group.pk)
        MembershipFactory(group=more.group, user=user, pledge_signed=True)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(parse(client.get(url).content)) == 32


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("nb", "Flyttet fra {nb}."),
        ("nn", "Flytta frå {nn}."),
        ("en", "Moved from {en}."),
    ],
)
def test_a_moved_meeting_says_when_it_was_in_the_members_language(
    meeting_group, client, language, said
):
    member = meeting_group.member.user
    member.language = language
    member.save()
    services.calendar_feed_renew(user=member)
    moved = future_meeting(meeting_group, 1)
    was = moved.starts_at
    services.meeting_move(
        meeting=moved, actor=member, starts_at=moved.starts_at + datetime.timedelta(hours=1)
    )
    events = {str(e["UID"]).split("@")[0]: e for e in parse(client.get(feed_url(member)).content)}

    written = {}
    for code in ("nb", "nn", "en"):
        with translation.override(code):
            written[code] = when.weekday_date_clock(was)
    assert str(events[f"meeting-{moved.pk}"]["DESCRIPTION"]) == said.format(**written)
    assert written["nb"].endswith(f"kl. {was.astimezone(OSLO):%H.%M}")
    # Only the moved meeting says so; nothing names the group.
    assert sum("DESCRIPTION" in e for e in events.values()) == 1
    assert meeting_group.group.name not in client.get(feed_url(member)).content.decode()


def test_links_are_built_from_the_address_the_site_is_served_on(meeting_group, client, settings):
    settings.ALLOWED_HOSTS = ["selvhjelp.kommune.example"]
    settings.SITE_URL = "http://127.0.0.1:8000"
    member = meeting_group.member.user
    services.calendar_feed_renew(user=member)
    login(client, member)
    host = {"HTTP_HOST": "selvhjelp.kommune.example", "secure": True}

    page = client.get(reverse("meetings:calendar"), **host).content.decode()
    assert "https://selvhjelp.kommune.example" + feed_url(member) in page
    assert "127.0.0.1" not in page

    events = parse(client.get(feed_url(member), **host).content)
    assert events
    assert all(
        str(event["url"]).startswith("https://selvhjelp.kommune.example/") for event in events
    )
    assert all(str(event["uid"]).endswith("@127.0.0.1") for event in events)
