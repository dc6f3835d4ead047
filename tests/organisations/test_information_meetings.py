"""Information meetings: the services' rules, the selectors, and the finder's nearest few."""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from core.models import AuditEvent
from core.services import DomainError
from groups.information_meetings import information_meetings_near
from groups.search import SearchQuery, great_circle_m
from organisations import selectors, services
from organisations.models import InformationMeeting
from organisations.services import InformationMeetingDetails
from tests.factories import ContactPointFactory, KommuneFactory, UserFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def details(days: int = 7, *, hours: int = 2, **kw) -> InformationMeetingDetails:
    starts = datetime.datetime(2026, 3, 10, 18, 0, tzinfo=OSLO) + datetime.timedelta(days=days)
    kw.setdefault("kommune", KommuneFactory())
    kw.setdefault("description", "Om selvhjelpsgrupper og hvordan en gruppe starter.")
    kw.setdefault("place", "Biblioteket, møterom 1")
    return InformationMeetingDetails(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=hours), **kw
    )


def publish(contact_point=None, **kw) -> InformationMeeting:
    return services.information_meeting_publish(
        contact_point=contact_point or ContactPointFactory(),
        actor=UserFactory(),
        details=details(**kw),
    )


def test_publishing_stores_the_meeting_and_audits_it_without_text():
    meeting = publish(place="  Biblioteket,\n møterom 1 ")
    assert meeting.place == "Biblioteket, møterom 1"
    event = AuditEvent.objects.get(event=AuditEvent.Event.INFORMATION_MEETING_PUBLISHED)
    assert event.target_id == str(meeting.pk)
    assert event.data == {"contact_point": meeting.contact_point_id}


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"hours": 0}, "end_before_start"),
        ({"hours": -1}, "end_before_start"),
        ({"hours": 13}, "too_long"),
        ({"days": -1}, "past"),
        ({"place": " "}, "no_place"),
        ({"description": "  "}, "no_description"),
    ],
)
def test_bad_times_and_places_are_refused_with_a_reason(kw, code):
    with pytest.raises(DomainError) as caught:
        publish(**kw)
    assert caught.value.code == code
    assert not InformationMeeting.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_digital_meeting_keeps_no_place():
    meeting = publish(is_digital=True, place="Storgata 1")
    assert meeting.is_digital and meeting.place == ""


def test_the_database_refuses_an_end_before_the_start_and_a_digital_place():
    cp = ContactPointFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        InformationMeeting.objects.create(
            contact_point=cp, kommune=cp.kommune, starts_at=NOW, ends_at=NOW, description="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        InformationMeeting.objects.create(
            contact_point=cp,
            kommune=cp.kommune,
            starts_at=NOW,
            ends_at=NOW + datetime.timedelta(hours=1),
            is_digital=True,
            place="Storgata 1",
            description="x",
        )


def test_a_change_names_the_fields_and_bumps_the_calendar_sequence():
    meeting = publish()
    new = details(days=8, kommune=meeting.kommune, place=meeting.place)
    services.information_meeting_update(meeting=meeting, actor=UserFactory(), details=new)
    meeting.refresh_from_db()
    assert meeting.change_count == 1
    event = AuditEvent.objects.get(event=AuditEvent.Event.INFORMATION_MEETING_CHANGED)
    assert event.data == {"fields": ["starts_at", "ends_at"]}
    # The same details again change nothing.
    services.information_meeting_update(meeting=meeting, actor=UserFactory(), details=new)
    meeting.refresh_from_db()
    assert meeting.change_count == 1


def test_a_cancelled_meeting_is_cancelled_once_and_not_changed_after():
    meeting = publish()
    services.information_meeting_cancel(meeting=meeting, actor=UserFactory())
    with pytest.raises(DomainError):
        services.information_meeting_cancel(meeting=meeting, actor=UserFactory())
    with pytest.raises(DomainError):
        services.information_meeting_update(
            meeting=meeting, actor=UserFactory(), details=details(days=9)
        )
    assert (
        AuditEvent.objects.filter(event=AuditEvent.Event.INFORMATION_MEETING_CANCELLED).count() == 1
    )


def test_a_meeting_that_is_over_cannot_be_changed_or_cancelled():
    meeting = publish(days=1)
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        with pytest.raises(DomainError):
            services.information_meeting_cancel(meeting=meeting, actor=UserFactory())
        with pytest.raises(DomainError):
            services.information_meeting_update(
                meeting=meeting, actor=UserFactory(), details=details(days=5)
            )


def test_past_meetings_leave_the_lists_and_cancelled_ones_stay_marked_on_the_entry():
    cp = ContactPointFactory()
    soon, later, cancelled = publish(cp, days=1), publish(cp, days=3), publish(cp, days=2)
    services.information_meeting_cancel(meeting=cancelled, actor=UserFactory())
    assert selectors.information_meetings_upcoming(contact_point=cp) == [soon, cancelled, later]
    assert list(InformationMeeting.objects.listed()) == [soon, later]
    # 21:00 two days on: the first two (18:00–20:00) are over.
    with time_machine.travel(NOW + datetime.timedelta(days=2, hours=9), tick=False):
        assert selectors.information_meetings_upcoming(contact_point=cp) == [later]
        # Staff still see the past ones, after the coming ones.
        assert selectors.information_meetings_for_staff(contact_point=cp) == [
            later,
            cancelled,
            soon,
        ]


def test_an_inactive_contact_points_meetings_are_not_public():
    meeting = publish()
    cp = meeting.contact_point
    cp.is_active = False
    cp.save()
    assert not InformationMeeting.objects.listed().exists()
    with pytest.raises(Exception, match="No InformationMeeting"):
        selectors.information_meeting_get_public(slug=cp.slug, pk=meeting.pk)


def test_a_meeting_is_found_only_under_its_own_contact_point():
    meeting = publish()
    other = ContactPointFactory()
    with pytest.raises(Exception, match="No InformationMeeting"):
        selectors.information_meeting_get_public(slug=other.slug, pk=meeting.pk)
    assert (
        selectors.information_meeting_get_public(slug=meeting.contact_point.slug, pk=meeting.pk)
        == meeting
    )


# --- The finder's nearest few ---------------------------------------------------


def at(lat: float, lon: float):
    return KommuneFactory(latitude=lat, longitude=lon)


def test_the_finder_shows_the_nearest_three_within_the_radius(django_assert_num_queries):
    here = (59.91, 10.75)  # Oslo
    near = publish(kommune=at(59.95, 10.75), days=5)  # about 4 km
    nearer = publish(kommune=at(59.92, 10.75), days=6)  # about 1 km
    same_place_sooner = publish(kommune=at(59.92, 10.75), days=2)
    fourth = publish(kommune=at(60.00, 10.75))  # about 10 km: fourth, left out
    publish(kommune=at(60.80, 10.75))  # about 100 km: out of reach
    cancelled = publish(kommune=at(59.91, 10.75))
    services.information_meeting_cancel(meeting=cancelled, actor=UserFactory())
    query = SearchQuery(latitude=here[0], longitude=here[1], radius_km=25)

    # Cold: the listed meetings' points, then the nearest few by id.
    with django_assert_num_queries(2):
        found = information_meetings_near(query)
    with django_assert_num_queries(1):
        assert information_meetings_near(query) == found
    far = SearchQuery(latitude=69.65, longitude=18.96, radius_km=25)  # Tromsø
    with django_assert_num_queries(0):
        assert information_meetings_near(far) == []

    assert [m for m, _km in found] == [same_place_sooner, nearer, near]
    assert [km for _m, km in found] == [1.1, 1.1, 4.5]
    assert fourth not in [m for m, _km in found]
    assert len(information_meetings_near(query, limit=10)) == 4


def test_no_place_searched_no_meetings_and_no_query(django_assert_num_queries):
    publish()
    with django_assert_num_queries(0):
        assert information_meetings_near(SearchQuery()) == []


def test_a_published_changed_or_cancelled_meeting_shows_at_once():
    """The cached points are dropped by every change, so the finder never lags."""
    query = SearchQuery(latitude=59.91, longitude=10.75, radius_km=25)
    assert information_meetings_near(query) == []
    meeting = publish(kommune=at(59.92, 10.75))
    assert [m for m, _km in information_meetings_near(query)] == [meeting]
    meeting.kommune = at(60.80, 10.75)  # moved out of reach
    meeting.save()
    assert information_meetings_near(query) == []
    meeting.kommune = at(59.92, 10.75)
    meeting.save()
    assert [m for m, _km in information_meetings_near(query)] == [meeting]
    services.information_meeting_cancel(meeting=meeting, actor=UserFactory())
    assert information_meetings_near(query) == []
    other = publish(kommune=at(59.93, 10.75))
    assert [m for m, _km in information_meetings_near(query)] == [other]
    other.contact_point.is_active = False
    other.contact_point.save()
    assert information_meetings_near(query) == []


def test_the_finder_forgets_a_meeting_once_it_is_over():
    meeting = publish(kommune=at(59.91, 10.75), days=1)
    query = SearchQuery(latitude=59.91, longitude=10.75, radius_km=25)
    assert information_meetings_near(query) == [(meeting, 0.0)]
    with time_machine.travel(meeting.ends_at, tick=False):
        assert information_meetings_near(query) == []


def test_the_nearest_are_found_among_many_as_exact_measuring_would():
    """The database's flat order picks the candidates; the result is the exact order."""
    rng = random.Random(7)
    places = [at(59 + rng.random() * 2, 9 + rng.random() * 3) for _ in range(40)]
    for place in places:
        for days in rng.sample(range(1, 30), 3):
            InformationMeeting.objects.create(
                contact_point=ContactPointFactory(kommune=place),
                kommune=place,
                starts_at=NOW + datetime.timedelta(days=days),
                ends_at=NOW + datetime.timedelta(days=days, hours=2),
                place="Rom",
                description="Om grupper.",
            )
    for lat, lon, radius in ((59.91, 10.75, 25), (60.5, 10.0, 50), (59.2, 11.8, 100)):
        query = SearchQuery(latitude=lat, longitude=lon, radius_km=radius)
        exact = sorted(
            (great_circle_m(lat, lon, m.kommune.latitude, m.kommune.longitude), m.starts_at, m.pk)
            for m in InformationMeeting.objects.select_related("kommune")
        )
        expected = [pk for metres, _at, pk in exact if metres <= radius * 1000][:3]
        assert [m.pk for m, _km in information_meetings_near(query)] == expected
