"""Setting up a group, the lifecycle buttons, stepping back and asking for support."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from groups.lifecycle import TRANSITIONS
from groups.models import Group, Membership, SupportRequest
from tests.conftest import login
from tests.factories import GroupFactory, SupportRequestFactory, give_totp, ready_to_run_itself

State = Group.State


def mfa_client(user) -> Client:
    give_totp(user)
    return login(Client(), user, mfa=True)


def form_data(world, **extra):
    data = {
        "theme": world.theme.pk,
        "name": "Torsdagsgruppa",
        "description": "En samtalegruppe.",
        "format": Group.Format.IN_PERSON,
        "kommune": world.kommune_a.pk,
        "area": "Sentrum",
        "place": "Møterom 2",
        "meeting_url": "",
        "weekday": Group.Weekday.THURSDAY,
        "start_time": "18:00",
        "duration_minutes": 120,
        "cadence": Group.Cadence.WEEKLY,
        "capacity": 8,
        "language": "nb",
        "age_min": 30,
        "age_max": 45,
    }
    data.update(extra)
    return data


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Creating and editing ----------------------------------------------------


def test_contact_point_staff_creates_a_draft(roles, role_client):
    client = role_client("contact_point_staff")
    response = client.post(reverse("staff:group_create"), form_data(roles))
    group = Group.objects.get(name="Torsdagsgruppa")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:group_staff_detail", args=[group.slug])
    assert group.state == State.DRAFT
    assert group.contact_point == roles.cp_a
    assert group.slug == "torsdagsgruppa-alfakommune"
    assert (group.latitude, group.longitude) == (
        roles.kommune_a.latitude,
        roles.kommune_a.longitude,
    )
    # Whoever starts a group guides its first meetings, staff included.
    assert list(group.memberships.values_list("user", "role")) == [
        (roles.user("contact_point_staff").pk, "initiator")
    ]
    assert (
        AuditEvent.objects.filter(
            event=AuditEvent.Event.GROUP_CREATED, target_id=str(group.pk)
        ).count()
        == 1
    )
    # The same name again gets its own address.
    client.post(reverse("staff:group_create"), form_data(roles))
    assert Group.objects.filter(slug="torsdagsgruppa-alfakommune-2").exists()


def test_volunteer_initiator_creates_and_becomes_initiator(roles):
    initiator = roles.user("initiator")
    client = mfa_client(initiator)
    assert client.get(reverse("staff:group_create")).status_code == 200
    client.post(reverse("staff:group_create"), form_data(roles))
    group = Group.objects.get(name="Torsdagsgruppa")
    membership = Membership.objects.get(group=group, user=initiator)
    assert membership.role == Membership.Role.INITIATOR
    assert group.member_count == 0


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"capacity": 1}, "capacity", "between 2 and 12"),
        ({"capacity": 13}, "capacity", "between 2 and 12"),
        ({"kommune": ""}, "kommune", "needs a municipality"),
        ({"age_min": 17}, "age_min", "18"),
        ({"age_min": 40, "age_max": 30}, "age_max", "cannot be lower"),
    ],
)
def test_creation_is_validated(roles, role_client, extra, field, message):
    client = role_client("contact_point_staff")
    with_language = {"HTTP_ACCEPT_LANGUAGE": "en"}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("staff:group_create"), form_data(roles, **extra), **with_language
    )
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert not Group.objects.filter(name="Torsdagsgruppa").exists()


def test_a_digital_group_needs_no_kommune_and_gets_no_point(roles, role_client):
    client = role_client("contact_point_staff")
    client.post(
        reverse("staff:group_create"),
        form_data(
            roles, format=Group.Format.DIGITAL, kommune="", meeting_url="https://m.example/x"
        ),
    )
    group = Group.objects.get(name="Torsdagsgruppa")
    assert group.kommune is None and group.latitude is None
    assert group.slug == "torsdagsgruppa-digital"


def test_advice_outside_the_recommended_frames_is_a_warning(roles, role_client):
    client = role_client("contact_point_staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("staff:group_create"),
        form_data(roles, capacity=10, age_min=20, age_max=60),
    )
    assert response.status_code == 302
    notes = texts(response)
    assert any("4–8" in n for n in notes)
    assert any("15 years" in n for n in notes)


def test_others_cannot_create(roles, role_client):
    for role in ("district_staff", "national_admin", "member"):
        assert role_client(role).get(reverse("staff:group_create")).status_code == 404


def test_staff_edit_keeps_the_place_without_seeing_it(roles, role_client):
    client = role_client("contact_point_staff")
    draft = roles.draft_group
    url = reverse("staff:group_edit", args=[draft.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert draft.place not in page.content.decode()
    response = client.post(url, form_data(roles, name="Nytt navn", place=""))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Nytt navn"
    assert draft.place == "Loftet i Utkastveien 1"
    assert draft.slug == "utkast-alfa"


def test_a_started_group_cannot_be_edited(roles, role_client):
    client = role_client("contact_point_staff")
    response = client.post(reverse("staff:group_edit", args=[roles.group.slug]), form_data(roles))
    assert response.status_code == 302
    roles.group.refresh_from_db()
    assert roles.group.name == "Tirsdagsgruppa Alfa"


# --- Lifecycle buttons ---------------------------------------------------------


def test_staff_page_buttons_publish_a_draft(roles, role_client):
    client = role_client("contact_point_staff")
    slug = roles.draft_group.slug
    page = client.get(reverse("staff:group_staff_detail", args=[slug]))
    assert reverse("staff:group_staff_action", args=[slug, "publish"]) in (page.content.decode())
    client.post(reverse("staff:group_staff_action", args=[slug, "publish"]))
    roles.draft_group.refresh_from_db()
    assert roles.draft_group.state == State.FORMING


def test_staff_page_is_404_for_other_staff(roles, role_client):
    url = reverse("staff:group_staff_detail", args=[roles.group.slug])
    assert role_client("district_staff").get(url).status_code == 404
    assert role_client("member").get(url).status_code == 404


def test_member_before_self_run_gets_a_message_and_nothing_changes(roles, role_client):
    client = role_client("member")
    response = client.post(roles.group.inside_url("decisions:propose", "end"))
    assert response.status_code == 200
    assert "tar igangsetterne seg av oppstarten" in response.content.decode()
    roles.group.refresh_from_db()
    assert roles.group.state == State.STARTING
    assert not AuditEvent.objects.filter(event=AuditEvent.Event.GROUP_END).exists()


def test_an_initiator_ends_a_starting_group_and_the_members_see_it(roles, role_client):
    url = roles.group.inside_url("decisions:propose", "end")
    inside = role_client("initiator").get(roles.group.inside_url("groups:inside"))
    assert url in inside.content.decode()
    assert (
        url
        not in role_client("member").get(roles.group.inside_url("groups:inside")).content.decode()
    )
    assert role_client("seeker").post(url).status_code == 404
    assert role_client("contact_point_staff").post(url).status_code == 404
    # A step first: the button on the group's page leads to a page that asks.
    confirm = role_client("initiator").get(url)
    assert confirm.status_code == 200
    assert 'name="at_once"' in confirm.content.decode()
    roles.group.refresh_from_db()
    assert roles.group.state == State.STARTING
    role_client("initiator").post(url, {"at_once": "1"})
    roles.group.refresh_from_db()
    assert roles.group.state == State.ENDED
    feed = role_client("member").get(roles.group.inside_url("groups:inside"))
    assert "The initiators ended the group" in feed.content.decode() or "avsluttet gruppa" in (
        feed.content.decode()
    )


def test_after_self_run_a_member_proposes_a_pause_inside(roles, role_client):
    Group.objects.filter(pk=roles.group.pk).update(state=State.SELF_RUN)
    client = role_client("member")
    page = client.get(roles.group.inside_url("groups:inside"))
    url = roles.group.inside_url("decisions:propose", "pause")
    assert url in page.content.decode()
    client.post(url, {"note": "Sommer"})
    roles.group.refresh_from_db()
    # Nothing changes before the others agree.
    assert roles.group.state == State.SELF_RUN
    assert roles.group.proposals.get().note == "Sommer"


def test_the_button_that_opens_a_group_says_what_it_does(roles, role_client):
    Group.objects.filter(pk=roles.group.pk).update(state=State.SELF_RUN, open_for_new_members=False)
    page = role_client("member").get(roles.group.inside_url("groups:inside"))
    text = page.content.decode()
    # A button needs the verb («Åpne»); the status says «Åpen for nye medlemmer».
    assert "Foreslå: Åpne gruppa for nye medlemmer" in text
    assert ">Åpen for nye medlemmer<" not in text


def test_every_transition_says_afterwards_what_happened():
    for transition in TRANSITIONS.values():
        assert str(transition.done).endswith("."), transition.name
        assert str(transition.done) != str(transition.label)


# --- Stepping back and support ---------------------------------------------------


def test_step_back_then_follow_up_through_support_requests(
    roles, role_client, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "nb"
    initiator = roles.user("initiator")
    Membership.objects.filter(group=roles.group, role=Membership.Role.INITIATOR).exclude(
        user=initiator
    ).delete()
    ready_to_run_itself(roles.group)
    client = role_client("initiator")
    inside = client.get(roles.group.inside_url("groups:inside"))
    assert roles.group.inside_url("groups:step_back") in inside.content.decode()

    response = client.post(roles.group.inside_url("groups:step_back"))
    assert response.status_code == 302
    roles.group.refresh_from_db()
    assert roles.group.state == State.SELF_RUN
    assert client.get(roles.group.inside_url("groups:inside")).status_code == 404

    member = role_client("member")
    inside = member.get(roles.group.inside_url("groups:inside")).content.decode()
    assert initiator.display_name in inside  # a follow-up contact
    assert roles.cp_a.name in inside

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(
            roles.group.inside_url("groups:support_request"),
            {"message": "Vi trenger hjelp med å fordele oppgaver."},
        )
    assert response.status_code == 302
    support_request = SupportRequest.objects.get(group=roles.group)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([initiator.email, roles.cp_a.public_email])
    for message in mail.outbox:
        assert roles.theme.name_nb not in message.subject
        assert roles.theme.name_en not in message.subject
        assert roles.group.name not in message.subject
        assert roles.group.name not in message.body
        assert message.subject.startswith("Selvhjelp:")

    # Running the task again sends nothing more.
    from groups.tasks import send_support_request_notice

    send_support_request_notice(support_request.pk)
    assert len(mail.outbox) == 2

    staff_client = mfa_client(initiator)
    page = staff_client.get(reverse("staff:support_requests"))
    assert page.status_code == 200
    assert "fordele oppgaver" in page.content.decode()
    staff_client.post(
        reverse("staff:support_answer", args=[support_request.pk]),
        {f"sr{support_request.pk}-answer": "Jeg ringer dere i morgen."},
    )
    support_request.refresh_from_db()
    assert support_request.answered_at is not None
    assert support_request.answered_by == initiator
    # Still not inside.
    assert staff_client.get(roles.group.inside_url("groups:inside")).status_code == 404


def test_support_requests_page_is_404_for_those_who_follow_up_nothing(roles, role_client):
    for role in ("member", "district_staff", "seeker"):
        assert role_client(role).get(reverse("staff:support_requests")).status_code == 404


def test_staff_of_another_contact_point_cannot_answer(roles, role_client):
    support_request = SupportRequestFactory(group=roles.group_b)
    response = role_client("contact_point_staff").post(
        reverse("staff:support_answer", args=[support_request.pk]),
        {f"sr{support_request.pk}-answer": "Hei"},
    )
    assert response.status_code == 404
    support_request.refresh_from_db()
    assert support_request.answered_at is None


# --- Flags for the contact point ---------------------------------------------------


def test_contact_point_flags_with_constant_queries(roles, role_client):
    client = role_client("contact_point_staff")
    url = reverse("staff:contact_point_detail", args=[roles.cp_a.slug])
    Group.objects.filter(pk=roles.group.pk).update(
        state_changed_at=timezone.now() - datetime.timedelta(weeks=13), member_count=5
    )
    SupportRequestFactory(group=roles.group)

    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert "ds-tag" in page
    flagged = {g.slug: g.flags for g in client.get(url).context["groups"]}
    assert len(flagged[roles.group.slug]) == 2  # too long, asks for support
    assert flagged[roles.digital_group.slug] == []  # forming: not counted

    for _ in range(5):
        g = GroupFactory(contact_point=roles.cp_a, state=State.SELF_RUN, member_count=1)
        SupportRequestFactory(group=g)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    flagged = {g.slug: g.flags for g in client.get(url).context["groups"]}
    assert len(flagged[g.slug]) == 2  # few members, asks for support
