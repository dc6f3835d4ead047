"""The public directory of contact points, and reports of a change from the public pages."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from directory.models import ChangeReport
from groups.models import Group
from interest.models import InterestRegistration
from notifications.models import OutgoingMessage
from organisations.models import ContactPoint
from tests.factories import ContactPointFactory, GroupFactory, ThemeFactory, UserFactory
from tests.finder.conftest import gazetteer, kommune, make_group  # noqa: F401

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))
LIST = "/kontaktpunkter/"


def wait_for(theme, place, n: int) -> None:
    for _ in range(n):
        InterestRegistration.objects.create(
            user=UserFactory(),
            theme=theme,
            format=InterestRegistration.Format.IN_PERSON,
            kommune=place,
            expires_at=timezone.now() + datetime.timedelta(days=300),
        )


@time_machine.travel(NOW, tick=False)
def test_the_directory_lists_each_entry_with_its_groups_and_waiting_themes(client, gazetteer):  # noqa: F811
    tromso = kommune("5501")
    cp = ContactPointFactory(
        name="Frisklivssentralen i Tromsø",
        kind=ContactPoint.Kind.FRISKLIVSSENTRAL,
        kommune=tromso,
        opening_hours="Mandag–torsdag 9–15",
    )
    group = GroupFactory(contact_point=cp, theme=ThemeFactory(name_nb="Samlivsbrudd"))
    GroupFactory(contact_point=cp, state=Group.State.DRAFT, theme=ThemeFactory(name_nb="Kladd"))
    wait_for(ThemeFactory(name_nb="Sorg"), tromso, 3)
    wait_for(ThemeFactory(name_nb="Ensomhet"), tromso, 2)  # under the threshold: not shown

    html = client.get(LIST).content.decode()

    assert "Frisklivssentralen i Tromsø" in html
    assert "Mandag–torsdag 9–15" in html
    assert cp.public_phone in html and cp.public_email in html
    assert reverse("groups:detail", kwargs={"slug": group.slug}) in html
    assert "Samlivsbrudd" in html
    assert "Kladd" not in html
    assert "Sorg" in html
    assert "Ensomhet" not in html


def test_inactive_contact_points_are_not_listed_and_their_entry_is_404(client):
    gone = ContactPointFactory(name="Nedlagt sentral", is_active=False)
    assert "Nedlagt sentral" not in client.get(LIST).content.decode()
    assert client.get(f"/kontaktpunkter/{gone.slug}/").status_code == 404
    assert client.get(f"/kontaktpunkter/{gone.slug}/meld-fra/").status_code == 404


def test_a_place_orders_the_directory_nearest_first(client, gazetteer):  # noqa: F811
    far = ContactPointFactory(name="A Oslo", kommune=kommune("0301"))
    near = ContactPointFactory(name="B Tromsø", kommune=kommune("5501"))
    nowhere = ContactPointFactory(name="C Uten punkt", kommune__latitude=None)

    response = client.get(LIST, {"q": "Tromso"})
    html = response.content.decode()

    assert [e.contact_point for e in response.context["entries"]] == [near, far, nowhere]
    assert html.index("B Tromsø") < html.index("A Oslo")
    assert "0 km" in html or "0,0 km" in html


def test_an_unknown_place_gets_a_clear_message_and_the_whole_list(client, gazetteer):  # noqa: F811
    ContactPointFactory(name="Frisklivssentralen Alfa")
    response = client.get(LIST, {"q": "Atlantis"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not find “Atlantis”" in html
    assert "Frisklivssentralen Alfa" in html


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_costs_the_same_number_of_queries_at_any_size(
    client, django_assert_num_queries, size
):
    theme = ThemeFactory()
    for _ in range(size):
        cp = ContactPointFactory()
        GroupFactory(contact_point=cp, state=Group.State.FORMING)
        GroupFactory(contact_point=cp, state=Group.State.FORMING, format=Group.Format.DIGITAL)
        wait_for(theme, cp.kommune, 3)
    client.get(LIST)  # sessions, language and the like settle
    # Contact points, their public groups, the waiting cells and their themes.
    with django_assert_num_queries(4):
        response = client.get(LIST)
    assert len(response.context["entries"]) == size


def test_no_hits_in_the_finder_suggests_the_nearest_contact_points(client, make_group):  # noqa: F811
    make_group("5501")  # Tromsø group and contact point
    nearest = ContactPointFactory(name="Altas kontaktpunkt", kommune=kommune("5601"))
    response = client.get("/grupper/", {"q": "Alta", "radius": "5"})
    html = response.content.decode()
    listed = [cp for cp, _km in response.context["result"].nearest_contact_points]
    assert listed[0] == nearest
    assert len(listed) == 2
    assert nearest.get_absolute_url() in html
    assert reverse("directory:list") in html


@time_machine.travel(NOW, tick=False)
def test_a_report_from_a_group_page_reaches_the_contact_points_staff_neutrally(
    client, staff_client, django_capture_on_commit_callbacks
):
    group = GroupFactory(state=Group.State.FORMING)
    staff, staff_user = staff_client(group.contact_point)
    page = client.get(reverse("groups:detail", kwargs={"slug": group.slug})).content.decode()
    url = reverse("directory:report_group", kwargs={"slug": group.slug})
    assert url in page

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            url, {"message": "  Gruppa møtes nå på onsdager  ", "reply_email": ""}
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("groups:detail", kwargs={"slug": group.slug})
    report = ChangeReport.objects.get()
    assert (report.contact_point, report.group, report.message) == (
        group.contact_point,
        group,
        "Gruppa møtes nå på onsdager",
    )
    assert report.reply_email == ""
    rows = OutgoingMessage.objects.filter(kind="change_report")
    assert {(m.recipient_id, m.address) for m in rows} == {
        (staff_user.pk, ""),
        (None, group.contact_point.public_email),
    }
    assert all(m.params == {"report": report.pk} for m in rows)

    from notifications import registry

    rendered = registry.renderer_for("change_report")(rows[0])
    for text in (rendered.subject, rendered.text, rendered.html):
        assert group.name not in text
        assert group.theme.name_nb not in text
        assert "onsdager" not in text

    reports_url = reverse("directory_staff:reports", kwargs={"slug": group.contact_point.slug})
    listing = staff.get(reports_url).content.decode()
    assert "Gruppa møtes nå på onsdager" in listing
    handled = reverse(
        "directory_staff:report_handled",
        kwargs={"slug": group.contact_point.slug, "pk": report.pk},
    )
    assert staff.post(handled).status_code == 302
    report.refresh_from_db()
    assert report.handled_at == timezone.now()
    assert report.handled_by == staff_user
    # The notice is no longer sent once the report is handled.
    assert registry.renderer_for("change_report")(rows[0]) is None


def test_a_report_on_a_contact_points_entry_may_give_a_reply_address(client):
    cp = ContactPointFactory()
    url = reverse("directory:report", kwargs={"slug": cp.slug})
    assert url in client.get(cp.get_absolute_url()).content.decode()
    response = client.post(url, {"message": "Nytt nummer", "reply_email": "svar@example.org"})
    assert response.status_code == 302
    assert response["Location"] == cp.get_absolute_url()
    report = ChangeReport.objects.get()
    assert (report.group, report.reply_email) == (None, "svar@example.org")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": ""}, "This field is required."),
        ({"message": "   "}, "This field is required."),
        ({"message": "\u200b\u2060"}, "Write a few words about what has changed."),
        ({"message": "x" * 1001}, "at most 1000 characters"),
        ({"message": "Ok", "reply_email": "ikke en adresse"}, "Enter a valid email address."),
        ({"message": "Null\x00byte"}, "control character"),
    ],
)
def test_bad_reports_get_a_clear_message_and_store_nothing(client, data, message):
    cp = ContactPointFactory()
    url = reverse("directory:report", kwargs={"slug": cp.slug})
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not ChangeReport.objects.exists()
    assert not OutgoingMessage.objects.exists()


def test_unknown_and_hidden_things_answer_404(client):
    draft = GroupFactory(state=Group.State.DRAFT)
    for url in (
        "/kontaktpunkter/finnes-ikke/",
        "/kontaktpunkter/finnes-ikke/meld-fra/",
        "/grupper/finnes-ikke/meld-fra/",
        f"/grupper/{draft.slug}/meld-fra/",
    ):
        assert client.get(url).status_code == 404, url
        if url.endswith("/meld-fra/"):
            assert client.post(url, {"message": "Hei"}).status_code == 404, url
    assert not ChangeReport.objects.exists()


@override_settings(SELVHJELP_RATE_LIMITS={"change_report": "2/h/ip"})
def test_reports_are_rate_limited(client):
    cp = ContactPointFactory()
    url = reverse("directory:report", kwargs={"slug": cp.slug})
    statuses = [client.post(url, {"message": f"Endring {i}"}).status_code for i in range(2)]
    assert statuses == [302, 302]
    long_report = "Telefonnummeret er byttet, og åpningstidene stemmer ikke lenger. " * 10
    refused = client.post(url, {"message": long_report, "reply_email": "meg@example.org"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    page = refused.content.decode()
    assert "Vent litt" in page
    assert long_report.strip() in page and "meg@example.org" in page  # nothing is lost
    assert ChangeReport.objects.count() == 2
    assert client.get(url).status_code == 200  # reading the form costs nothing


def test_staff_edit_their_own_entry_and_nobody_elses(staff_client):
    cp = ContactPointFactory(opening_hours="")
    other = ContactPointFactory()
    staff, _user = staff_client(cp)
    url = reverse("directory_staff:entry_edit", kwargs={"slug": cp.slug})
    response = staff.post(
        url,
        {
            "public_phone": "  77 00  00 00 ",
            "public_email": "post@example.org",
            "website": "",
            "opening_hours": "Hverdager   9–15",
        },
    )
    assert response.status_code == 302
    cp.refresh_from_db()
    assert (cp.public_phone, cp.opening_hours) == ("77 00 00 00", "Hverdager 9–15")
    other_url = reverse("directory_staff:entry_edit", kwargs={"slug": other.slug})
    assert staff.get(other_url).status_code == 404
    assert staff.post(other_url, {"public_phone": "1"}).status_code == 404


def test_the_entry_form_refuses_bad_input_clearly(staff_client):
    cp = ContactPointFactory()
    staff, _user = staff_client(cp)
    url = reverse("directory_staff:entry_edit", kwargs={"slug": cp.slug})
    response = staff.post(
        url,
        {
            "public_phone": "22 33 44 55 66 77 88 99",
            "public_email": "nei",
            "opening_hours": "x" * 201,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in html
    assert "at most 200 characters" in html
    assert "at most 20 characters" in html
