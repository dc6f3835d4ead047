"""Reports of a change and a contact point's entry: services and their personal data."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress

from core.models import AuditEvent
from core.personal_data import Person
from core.services import DomainError
from directory import services
from directory.models import ChangeReport
from directory.personal_data import DirectoryData, delete_old_change_reports
from tests.factories import ContactPointFactory, GroupFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=ZoneInfo("Europe/Oslo"))


def test_a_group_of_another_contact_point_is_refused():
    group = GroupFactory()
    with pytest.raises(DomainError):
        services.change_report_create(
            contact_point=ContactPointFactory(), group=group, message="Endret"
        )
    assert not ChangeReport.objects.exists()


def test_marking_handled_twice_records_it_once():
    report = services.change_report_create(contact_point=ContactPointFactory(), message="Ny tid")
    staff = UserFactory()
    services.change_report_mark_handled(report=report, actor=staff)
    services.change_report_mark_handled(report=report, actor=UserFactory())
    report.refresh_from_db()
    assert report.handled_by == staff
    assert AuditEvent.objects.filter(event=AuditEvent.Event.CHANGE_REPORT_HANDLED).count() == 1


def test_an_entry_change_audits_the_names_of_the_fields_only():
    cp = ContactPointFactory(opening_hours="")
    services.contact_point_entry_update(
        contact_point=cp,
        actor=UserFactory(),
        public_phone=cp.public_phone,
        public_email=cp.public_email,
        website="",
        opening_hours="Tirsdager 10–14",
    )
    event = AuditEvent.objects.get(event=AuditEvent.Event.CONTACT_POINT_ENTRY_CHANGED)
    assert event.data == {"fields": ["opening_hours"]}


def test_reports_are_deleted_after_the_retention_period(settings):
    settings.SELVHJELP_RETAIN_CHANGE_REPORT_DAYS = 90
    cp = ContactPointFactory()
    with time_machine.travel(NOW - datetime.timedelta(days=91), tick=False):
        old = services.change_report_create(contact_point=cp, message="Gammel")
        services.change_report_mark_handled(report=old, actor=UserFactory())
        services.change_report_create(contact_point=cp, message="Gammel, åpen")
    with time_machine.travel(NOW - datetime.timedelta(days=89), tick=False):
        recent = services.change_report_create(contact_point=cp, message="Ny")
    with time_machine.travel(NOW, tick=False):
        assert delete_old_change_reports(NOW) == 2
        assert delete_old_change_reports(NOW) == 0
    assert list(ChangeReport.objects.all()) == [recent]


def test_the_reply_address_is_in_the_download_and_cleared_on_deletion():
    user = UserFactory(email="meg@example.org")
    EmailAddress.objects.create(user=user, email="Annen@example.org", verified=True)
    cp = ContactPointFactory()
    mine = services.change_report_create(
        contact_point=cp, message="Nytt nummer", reply_email="annen@example.org"
    )
    services.change_report_create(contact_point=cp, message="Anonym")

    [section] = DirectoryData.sections
    assert [row["message"] for row in section.build(user)] == ["Nytt nummer"]

    DirectoryData().erase(
        person=Person(
            user=user,
            emails=frozenset({"meg@example.org", "annen@example.org"}),
            needles=("meg@example.org", "annen@example.org"),
        )
    )
    mine.refresh_from_db()
    assert mine.reply_email == ""
    assert mine.message == "Nytt nummer"
