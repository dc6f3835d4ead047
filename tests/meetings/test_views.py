"""Meeting pages inside a group, driven through the real endpoints."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from groups.models import Group
from meetings.models import Absence, Meeting
from meetings.services import absence_register, meetings_materialise
from tests.conftest import login

from .conftest import future_meeting, make_group, past_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, meeting_group, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login(client, meeting_group.member.user)
    return client


def inside(mg) -> str:
    return mg.group.inside_url("groups:inside")


def url(name: str, meeting: Meeting) -> str:
    return meeting.group.inside_url(f"meetings:{name}", pk=meeting.pk)


def test_the_group_page_lists_the_next_eight_and_who_sent_notice(meeting_group, member_client):
    meeting = future_meeting(meeting_group)
    for membership in meeting_group.members[2:4]:
        absence_register(meeting=meeting, membership=membership)
    html = member_client.get(inside(meeting_group)).content.decode()
    absence = meeting_group.group.inside_url("meetings:absence", pk=meeting.pk)
    # On top: the next meeting, who sent notice, and its one action.
    card = html.split('id="next-meeting-title"', 1)[1].split("</section>", 1)[0]
    assert card.count(absence) == 1
    assert "2 of 6 have sent notice" in card
    for membership in meeting_group.members[2:4]:
        assert membership.user.display_name in card
    # Folded below it: the next eight, each with its own notice button.
    section = html.split('id="meetings-title"', 1)[1].split("</details>", 1)[0]
    assert section.count(absence) == 1
    assert section.count('href="/inne/' + meeting_group.group.inside_token + "/moter/") == 8


def test_one_tap_notice_and_undo_from_the_group_page(meeting_group, member_client):
    meeting = future_meeting(meeting_group)
    response = member_client.post(url("absence", meeting), {"action": "register"})
    assert response.status_code == 302
    assert Absence.objects.filter(meeting=meeting, membership=meeting_group.member).exists()
    html = member_client.get(inside(meeting_group)).content.decode()
    assert "1 of 6 has sent notice" in html and "You sent notice" in html
    member_client.post(url("absence", meeting), {"action": "undo"})
    assert not Absence.objects.exists()
    member_client.post(url("absence", meeting), {"action": "maybe"})
    assert not Absence.objects.exists()


def test_the_group_page_reads_a_fixed_number_of_queries(
    meeting_group, member_client, django_assert_max_num_queries
):
    for meeting in Meeting.objects.filter(group=meeting_group.group)[:3]:
        for membership in meeting_group.members[:4]:
            absence_register(meeting=meeting, membership=membership)
    with django_assert_max_num_queries(60) as small:
        member_client.get(inside(meeting_group))
    bigger = make_group(n_members=10)
    meetings_materialise(group_id=bigger.group.pk)
    for meeting in Meeting.objects.filter(group=bigger.group):
        for membership in bigger.members:
            absence_register(meeting=meeting, membership=membership)
    login(member_client, bigger.member.user)
    with django_assert_max_num_queries(len(small.captured_queries)):
        member_client.get(inside(bigger))


def test_move_with_errors_shows_them_and_changes_nothing(meeting_group, member_client):
    meeting = future_meeting(meeting_group)
    other = future_meeting(meeting_group, 1)
    local_other = timezone.localtime(other.starts_at)
    response = member_client.post(
        url("move", meeting),
        {"move-date": local_other.date().isoformat(), "move-time": "18:30", "move-place": ""},
    )
    assert response.status_code == 200
    assert "another meeting at that time" in response.content.decode()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = member_client.post(
        url("move", meeting), {"move-date": yesterday.isoformat(), "move-time": "18:00"}
    )
    assert "has not passed yet" in response.content.decode()
    response = member_client.post(url("move", meeting), {"move-date": "31.02", "move-time": "x"})
    assert response.status_code == 200
    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at


def test_move_and_cancel_through_the_pages(meeting_group, member_client):
    meeting = future_meeting(meeting_group)
    new_start = timezone.localtime(meeting.starts_at) + datetime.timedelta(days=1, hours=1)
    response = member_client.post(
        url("move", meeting),
        {
            "move-date": new_start.date().isoformat(),
            "move-time": new_start.strftime("%H:%M"),
            "move-place": "Biblioteket, 2. etasje",
            "move-note": "Rommet er opptatt",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == new_start and meeting.place == "Biblioteket, 2. etasje"
    assert member_client.post(url("cancel", meeting), {"cancel-note": ""}).status_code == 302
    again = member_client.post(url("cancel", meeting), {"cancel-note": ""})
    assert again.status_code == 200
    assert "already cancelled" in again.content.decode()
    html = member_client.get(inside(meeting_group)).content.decode()
    assert "Cancelled" in html


def test_attendance_through_the_page(meeting_group, member_client):
    past = past_meeting(meeting_group)
    response = member_client.post(url("attendance", past), {"count-count": "5"})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=past.pk).attendance == 5
    response = member_client.post(url("attendance", past), {"count-count": "40"})
    assert response.status_code == 200
    assert Meeting.objects.get(pk=past.pk).attendance == 5
    future = future_meeting(meeting_group)
    response = member_client.post(url("attendance", future), {"count-count": "3"})
    assert response.status_code == 200
    assert "once the meeting has started" in response.content.decode()
    assert Meeting.objects.get(pk=future.pk).attendance is None


def test_a_meeting_of_another_group_answers_404(meeting_group, member_client):
    other = make_group(n_members=1)
    meetings_materialise(group_id=other.group.pk)
    foreign = future_meeting(other)
    wrong = meeting_group.group.inside_url("meetings:detail", pk=foreign.pk)
    assert member_client.get(wrong).status_code == 404
    assert member_client.get(url("detail", foreign)).status_code == 404


def test_the_digital_link_shows_shortly_before_and_during_the_meeting(member_client, settings):
    mg = make_group(
        format=Group.Format.DIGITAL, kommune=None, meeting_url="https://m.example/rom-1"
    )
    login(member_client, mg.member.user)
    now = timezone.now()
    meeting = Meeting.objects.create(
        group=mg.group,
        occurrence=now + datetime.timedelta(minutes=45),
        starts_at=now + datetime.timedelta(minutes=45),
        ends_at=now + datetime.timedelta(minutes=165),
    )
    page = member_client.get(url("detail", meeting)).content.decode()
    assert "rom-1" not in page and "30 minutes before" in page
    assert "rom-1" not in member_client.get(inside(mg)).content.decode()
    settings.SELVHJELP_LINK_OPENS_MINUTES = 60
    assert "rom-1" in member_client.get(url("detail", meeting)).content.decode()
    assert "rom-1" in member_client.get(inside(mg)).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(meeting_url="https://m.example/eget-rom")
    assert "eget-rom" in member_client.get(url("detail", meeting)).content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - datetime.timedelta(hours=3), ends_at=now - datetime.timedelta(hours=1)
    )
    assert "eget-rom" not in member_client.get(url("detail", meeting)).content.decode()


def test_members_change_the_schedule(meeting_group, member_client):
    # During the start a member changes it at once; once self-run, it is a proposal.
    Group.objects.filter(pk=meeting_group.group.pk).update(state=Group.State.STARTING)
    schedule_url = meeting_group.group.inside_url("meetings:schedule")
    assert member_client.get(schedule_url).status_code == 200
    response = member_client.post(
        schedule_url,
        {
            "weekday": "0",
            "start_time": "17:00",
            "duration_minutes": "120",
            "cadence": "custom",
            "days": [],
        },
    )
    assert response.status_code == 200
    assert "Choose at least one day" in response.content.decode()
    response = member_client.post(
        schedule_url,
        {
            "weekday": "0",
            "start_time": "17:00",
            "duration_minutes": "120",
            "cadence": "custom",
            "days": ["TH", "MO"],
        },
    )
    assert response.status_code == 302
    group = Group.objects.get(pk=meeting_group.group.pk)
    assert group.custom_days == "MO,TH"
    days = {
        timezone.localtime(m.starts_at).weekday()
        for m in Meeting.objects.filter(group=group, starts_at__gt=timezone.now())
    }
    assert days == {0, 3}


def test_paused_group_lists_no_meetings(meeting_group, member_client):
    Group.objects.filter(pk=meeting_group.group.pk).update(state=Group.State.PAUSED)
    html = member_client.get(inside(meeting_group)).content.decode()
    assert "The group is paused" in html
    assert "/inne/moter/" not in html
    schedule_url = meeting_group.group.inside_url("meetings:schedule")
    assert member_client.get(schedule_url).status_code == 404


def test_the_set_up_form_offers_the_two_rhythms_only():
    from groups.forms import GroupForm

    choices = [value for value, _label in GroupForm().fields["cadence"].choices]
    assert "custom" not in choices and "fortnightly" in choices


def test_a_digital_meeting_can_get_its_own_link(member_client):
    mg = make_group(format=Group.Format.DIGITAL, kommune=None, meeting_url="https://m.example/fast")
    meetings_materialise(group_id=mg.group.pk)
    login(member_client, mg.member.user)
    meeting = future_meeting(mg)
    starts = timezone.localtime(meeting.starts_at)
    response = member_client.post(
        url("move", meeting),
        {
            "move-date": starts.date().isoformat(),
            "move-time": starts.strftime("%H:%M"),
            "move-meeting_url": "https://m.example/bare-denne-gangen",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.meeting_url == "https://m.example/bare-denne-gangen"
    assert meeting.starts_at == starts
    assert "bare-denne-gangen" not in member_client.get(url("detail", meeting)).content.decode()
