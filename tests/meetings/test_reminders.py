"""Meeting reminders: the scan that fills the outbox, members' settings, the neutral link."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from groups.models import Group
from meetings.models import Meeting, ReminderOptOut, ReminderPreference
from meetings.reminders import reminder_scan
from notifications import registry
from notifications.models import OutgoingMessage
from notifications.services import enqueue
from tests.factories import GroupFactory, MembershipFactory, UserFactory

from .conftest import MeetingGroup, make_group


def meeting_in(mg: MeetingGroup, *, hours: float) -> Meeting:
    starts = timezone.now() + datetime.timedelta(hours=hours)
    return Meeting.objects.create(
        group=mg.group,
        occurrence=starts,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
    )


@pytest.fixture
def soon(db) -> tuple[MeetingGroup, Meeting]:
    """A group of three members with one meeting in three hours."""
    mg = make_group(n_members=3)
    return mg, meeting_in(mg, hours=3)


def test_scan_creates_one_reminder_per_member_and_channel_once(soon):
    mg, meeting = soon
    assert reminder_scan() == 3
    assert reminder_scan() == 0
    keys = set(OutgoingMessage.objects.values_list("key", flat=True))
    assert keys == {f"reminder:m={meeting.pk}:u={m.user_id}:email" for m in mg.members}
    assert set(OutgoingMessage.objects.values_list("kind", flat=True)) == {"meeting_reminder"}


def test_lead_time_opt_out_and_sms_follow_the_members_choice(soon):
    mg, meeting = soon
    short, opted_out, texter = (m.user for m in mg.members)
    ReminderPreference.objects.create(user=short, lead_hours=2)
    ReminderOptOut.objects.create(membership=mg.members[1])
    texter.phone, texter.phone_verified = "412 34 567", True
    texter.save()
    ReminderPreference.objects.create(user=texter, lead_hours=24, channel="both")
    assert reminder_scan() == 2  # the texter, by e-mail and SMS
    assert set(OutgoingMessage.objects.values_list("recipient_id", "channel")) == {
        (texter.pk, "email"),
        (texter.pk, "sms"),
    }
    # Two hours before the meeting the short lead time has come too.
    assert reminder_scan(now=meeting.starts_at - datetime.timedelta(hours=2)) == 1
    assert not OutgoingMessage.objects.filter(recipient=opted_out).exists()


def test_no_reminders_for_cancelled_meetings_or_paused_groups(soon):
    mg, meeting = soon
    meeting.cancelled_at = timezone.now()
    meeting.save()
    other = meeting_in(mg, hours=5)
    Group.objects.filter(pk=mg.group.pk).update(state=Group.State.PAUSED)
    assert reminder_scan() == 0
    Group.objects.filter(pk=mg.group.pk).update(state=Group.State.SELF_RUN)
    assert reminder_scan() == 3
    assert set(OutgoingMessage.objects.values_list("params__meeting", flat=True)) == {other.pk}


@pytest.mark.parametrize("members", [3, 9])
def test_a_batch_of_meeting_messages_is_prepared_in_two_queries_and_rendered_in_none(
    db, members, django_assert_num_queries
):
    mg = make_group(n_members=members)
    meeting_in(mg, hours=3)
    moved, cancelled = meeting_in(mg, hours=30), meeting_in(mg, hours=40)
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    reminder_scan()
    for membership in mg.members:
        for kind, meeting in (("meeting_moved", moved), ("meeting_cancelled", cancelled)):
            enqueue(
                key=f"{kind}:m={meeting.pk}:u={membership.user_id}",
                kind=kind,
                recipient=membership.user,
                params={"meeting": meeting.pk},
            )
    rows = list(OutgoingMessage.objects.select_related("recipient"))
    assert len(rows) == 3 * members
    with django_assert_num_queries(2):
        registry.prepare(rows)
    with django_assert_num_queries(0):
        rendered = [registry.renderer_for(row.kind)(row) for row in rows]
    assert all(r is not None and r.subject for r in rendered)


# --- Settings page ----------------------------------------------------------------------------


def test_member_sets_lead_time_channel_and_opts_out_of_one_group(client, soon):
    mg, _meeting = soon
    membership = mg.members[1]
    user = membership.user
    user.phone, user.phone_verified = "98765432", True
    user.save()
    other = MembershipFactory(group=GroupFactory(), user=user)
    client.force_login(user)
    page = client.get("/profil/varsler/")
    assert page.status_code == 200
    assert mg.group.name in page.content.decode()  # one's own page may name the group
    response = client.post(
        "/profil/varsler/",
        {"lead_hours": "2", "channel": "both", "no_reminders_for": [membership.pk]},
    )
    assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=user)
    assert (pref.lead_hours, pref.channel) == (2, "both")
    assert list(ReminderOptOut.objects.values_list("membership_id", flat=True)) == [membership.pk]
    client.post(
        "/profil/varsler/", {"lead_hours": "24", "channel": "email", "no_reminders_for": [other.pk]}
    )
    assert list(ReminderOptOut.objects.values_list("membership_id", flat=True)) == [other.pk]


def test_someone_elses_membership_cannot_be_opted_out(client, soon):
    mg, _meeting = soon
    client.force_login(UserFactory())
    response = client.post(
        "/profil/varsler/",
        {"lead_hours": "24", "channel": "email", "no_reminders_for": [mg.members[1].pk]},
    )
    assert response.status_code == 302
    assert not ReminderOptOut.objects.exists()


def test_sms_needs_a_valid_number(client, soon):
    mg, _meeting = soon
    user = mg.members[1].user
    user.phone = ""
    user.save()
    client.force_login(user)
    response = client.post("/profil/varsler/", {"lead_hours": "24", "channel": "sms"})
    assert response.status_code == 200
    assert "ds-validation-message" in response.content.decode()
    user.phone = "123"
    user.save()
    response = client.post("/profil/varsler/", {"lead_hours": "24", "channel": "sms"})
    assert response.status_code == 200
    assert not ReminderPreference.objects.exists()
    response = client.post("/profil/varsler/", {"lead_hours": "7", "channel": "email"})
    assert response.status_code == 200  # not one of the offered lead times


def test_the_neutral_meeting_link_leads_members_in_and_others_nowhere(client, soon):
    mg, meeting = soon
    client.force_login(mg.members[1].user)
    response = client.get(f"/varsler/mote/{meeting.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/inne/{mg.group.inside_token}/")
    client.force_login(UserFactory())
    assert client.get(f"/varsler/mote/{meeting.pk}/").status_code == 404
