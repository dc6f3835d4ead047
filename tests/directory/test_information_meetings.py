"""Information meetings on the public pages, as a calendar file, and on the staff's side."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from core.models import AuditEvent
from organisations import services
from organisations.models import InformationMeeting
from organisations.services import InformationMeetingDetails
from tests.factories import ContactPointFactory, UserFactory
from tests.finder.conftest import gazetteer, kommune  # noqa: F401

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
# The directory's conftest sets the clock to Tuesday 17 February 2026, 10:00 in Oslo.
NEXT_WEEK = datetime.date(2026, 2, 24)


def publish(contact_point, *, day: datetime.date = NEXT_WEEK, **kw) -> InformationMeeting:
    starts = datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=OSLO)
    kw.setdefault("place", "Biblioteket, møterom 1")
    kw.setdefault("kommune", contact_point.kommune)
    return services.information_meeting_publish(
        contact_point=contact_point,
        actor=UserFactory(),
        details=InformationMeetingDetails(
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1, minutes=30),
            description="Vi forteller om selvhjelpsgrupper.",
            **kw,
        ),
    )


def form_data(**kw) -> dict[str, str]:
    data = {
        "date": NEXT_WEEK.isoformat(),
        "start": "18:00",
        "end": "19:30",
        "place": "Biblioteket, møterom 1",
        "description": "Vi forteller om selvhjelpsgrupper.",
    }
    data.update(kw)
    return data


# --- Public ------------------------------------------------------------------------


def test_the_public_page_shows_time_place_and_the_calendar_link(client):
    cp = ContactPointFactory(name="Frisklivssentralen i Moss")
    meeting = publish(cp)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert 'tirsdag 24. februar <span class="nowrap">kl. 18.00–19.30</span>' in html
    assert "Biblioteket, møterom 1" in html
    assert "It is not a group" in html or "Det er ikke en gruppe" in html
    assert reverse("directory:information_meeting_ics", args=[cp.slug, meeting.pk]) in html


def test_a_cancelled_meeting_says_so_and_offers_no_calendar(client):
    cp = ContactPointFactory()
    meeting = publish(cp)
    services.information_meeting_cancel(meeting=meeting, actor=UserFactory())
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Avlyst" in html
    assert "kalender.ics" not in html


def test_the_calendar_file_holds_the_meeting_in_oslo_time(client):
    cp = ContactPointFactory(name="Frisklivssentralen i Moss")
    meeting = publish(cp)
    response = client.get(reverse("directory:information_meeting_ics", args=[cp.slug, meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["summary"] == "Informasjonsmøte: Frisklivssentralen i Moss"
    assert event.decoded("dtstart") == datetime.datetime(2026, 2, 24, 18, 0, tzinfo=OSLO)
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Oslo"
    assert event.decoded("dtend") == datetime.datetime(2026, 2, 24, 19, 30, tzinfo=OSLO)
    assert event["location"] == f"Biblioteket, møterom 1, {cp.kommune.name}"
    assert event["status"] == "CONFIRMED"
    assert event["uid"].startswith(f"information-meeting-{meeting.pk}@")
    assert event["url"] == f"http://testserver{meeting.get_absolute_url()}"
    assert "Vi forteller om selvhjelpsgrupper." in event["description"]


def test_a_cancelled_meeting_goes_to_calendars_as_cancelled_with_a_higher_sequence(client):
    cp = ContactPointFactory()
    meeting = publish(cp, is_digital=True, place="")
    url = reverse("directory:information_meeting_ics", args=[cp.slug, meeting.pk])
    [before] = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    services.information_meeting_cancel(meeting=meeting, actor=UserFactory())
    [after] = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    assert before["location"] == "Digitalt møte"
    assert after["status"] == "CANCELLED"
    assert after["sequence"] > before["sequence"]
    assert after["uid"] == before["uid"]


def test_the_calendar_file_speaks_the_visitors_language(client):
    cp = ContactPointFactory(name="Moss LMS")
    meeting = publish(cp)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("directory:information_meeting_ics", args=[cp.slug, meeting.pk]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["summary"] == "Information meeting: Moss LMS"


def test_the_entry_lists_coming_meetings_and_marks_cancelled_ones(client):
    cp = ContactPointFactory()
    coming = publish(cp)
    cancelled = publish(cp, day=NEXT_WEEK + datetime.timedelta(days=1))
    services.information_meeting_cancel(meeting=cancelled, actor=UserFactory())
    past = publish(cp, day=datetime.date(2026, 2, 18))
    with time_machine.travel(datetime.datetime(2026, 2, 20, 9, 0, tzinfo=OSLO), tick=False):
        html = client.get(cp.get_absolute_url()).content.decode()
    assert coming.get_absolute_url() in html
    assert cancelled.get_absolute_url() in html and "Avlyst" in html
    assert past.get_absolute_url() not in html


def test_the_entrys_queries_do_not_grow_with_its_meetings(client, django_assert_num_queries):
    cp = ContactPointFactory()
    publish(cp)
    with CaptureQueriesContext(connection) as one:
        client.get(cp.get_absolute_url())
    for days in range(1, 6):
        publish(cp, day=NEXT_WEEK + datetime.timedelta(days=days))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(cp.get_absolute_url())


def test_the_finder_shows_a_meeting_near_the_searched_place_as_not_a_group(client, gazetteer):  # noqa: F811
    moss = kommune("3103")
    cp = ContactPointFactory(name="Frisklivssentralen i Moss", kommune=moss)
    meeting = publish(cp)
    far = publish(ContactPointFactory(kommune=kommune("5501")))  # Tromsø

    html = client.get("/grupper/", {"q": "Moss"}).content.decode()

    assert "Informasjonsmøter i nærheten" in html
    assert meeting.get_absolute_url() in html
    assert far.get_absolute_url() not in html
    assert "Ikke en gruppe" in html


def test_a_finder_search_without_a_place_shows_no_meetings(client):
    publish(ContactPointFactory())
    html = client.get("/grupper/").content.decode()
    assert "Informasjonsmøter i nærheten" not in html


def test_unknown_and_foreign_meetings_answer_404(client):
    meeting = publish(ContactPointFactory())
    other = ContactPointFactory()
    for slug, pk in ((other.slug, meeting.pk), (meeting.contact_point.slug, meeting.pk + 99)):
        assert client.get(f"/kontaktpunkter/{slug}/informasjonsmoter/{pk}/").status_code == 404
        assert (
            client.get(f"/kontaktpunkter/{slug}/informasjonsmoter/{pk}/kalender.ics").status_code
            == 404
        )


# --- Staff ---------------------------------------------------------------------------


def staff_url(name: str, cp, *args) -> str:
    return reverse(f"directory_staff:{name}", args=[cp.slug, *args])


def test_staff_publish_a_meeting_that_then_is_public(staff_client, client):
    cp = ContactPointFactory()
    staff, user = staff_client(cp)
    response = staff.post(
        staff_url("information_meeting_create", cp), form_data(kommune=cp.kommune_id)
    )
    meeting = InformationMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.starts_at == datetime.datetime(2026, 2, 24, 18, 0, tzinfo=OSLO)
    assert meeting.ends_at == datetime.datetime(2026, 2, 24, 19, 30, tzinfo=OSLO)
    assert meeting.contact_point == cp
    event = AuditEvent.objects.get(event=AuditEvent.Event.INFORMATION_MEETING_PUBLISHED)
    assert event.actor == user
    assert client.get(meeting.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": "17:00"}, "end", "Møtet må slutte etter at det begynner."),
        ({"end": "18:00"}, "end", "Møtet må slutte etter at det begynner."),
        ({"date": "2026-02-16"}, "date", "Velg et tidspunkt som ikke har vært ennå."),
        (
            {"date": "2026-02-17", "start": "09:00", "end": "11:00"},
            "date",
            "Velg et tidspunkt som ikke har vært ennå.",
        ),
        ({"place": ""}, "place", "Skriv hvor møtet er, eller merk det som digitalt."),
        ({"date": "0001-01-01"}, "date", "Velg et tidspunkt som ikke har vært ennå."),
        ({"date": "9999-12-31"}, "date", "Velg en dato innen de neste to årene."),
        ({"date": "24.13.2026"}, "date", None),
        ({"start": "25:00"}, "start", None),
        ({"description": ""}, "description", None),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    staff_client, changes, field, message
):
    cp = ContactPointFactory()
    staff, _user = staff_client(cp)
    data = form_data(kommune=cp.kommune_id, **changes)
    response = staff.post(staff_url("information_meeting_create", cp), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if message:
        assert message in form.errors[field]
    html = response.content.decode()
    assert "Vi forteller om selvhjelpsgrupper." in html or not data["description"]
    assert not InformationMeeting.objects.exists()


def test_a_digital_meeting_needs_no_place(staff_client):
    cp = ContactPointFactory()
    staff, _user = staff_client(cp)
    staff.post(
        staff_url("information_meeting_create", cp),
        form_data(kommune=cp.kommune_id, place="Storgata 1", is_digital="on"),
    )
    meeting = InformationMeeting.objects.get()
    assert meeting.is_digital and meeting.place == ""


def test_staff_change_and_cancel_their_own_meeting(staff_client):
    cp = ContactPointFactory()
    staff, _user = staff_client(cp)
    meeting = publish(cp)
    page = staff.get(staff_url("information_meeting_edit", cp, meeting.pk)).content.decode()
    assert 'value="18:00"' in page and 'value="2026-02-24"' in page
    response = staff.post(
        staff_url("information_meeting_edit", cp, meeting.pk),
        form_data(kommune=cp.kommune_id, start="17:00"),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime.datetime(2026, 2, 24, 17, 0, tzinfo=OSLO)
    staff.post(staff_url("information_meeting_cancel", cp, meeting.pk))
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    listing = staff.get(staff_url("information_meetings", cp)).content.decode()
    assert "Avlyst" in listing
    assert staff_url("information_meeting_edit", cp, meeting.pk) not in listing


def test_staff_of_another_contact_point_get_404_and_change_nothing(staff_client):
    cp, other = ContactPointFactory(), ContactPointFactory()
    meeting = publish(cp)
    staff, _user = staff_client(other)
    for url in (
        staff_url("information_meetings", cp),
        staff_url("information_meeting_create", cp),
        staff_url("information_meeting_edit", cp, meeting.pk),
        staff_url("information_meeting_edit", other, meeting.pk),
    ):
        assert staff.get(url).status_code == 404, url
    assert staff.post(staff_url("information_meeting_cancel", cp, meeting.pk)).status_code == 404
    assert staff.post(staff_url("information_meeting_cancel", other, meeting.pk)).status_code == 404
    assert (
        staff.post(
            staff_url("information_meeting_edit", other, meeting.pk),
            form_data(kommune=cp.kommune_id, start="09:00"),
        ).status_code
        == 404
    )
    meeting.refresh_from_db()
    assert not meeting.is_cancelled and meeting.change_count == 0
