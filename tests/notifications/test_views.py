from __future__ import annotations

from notifications.models import ReminderOptOut, ReminderPreference
from tests.factories import GroupFactory, MembershipFactory, UserFactory


def test_member_sets_lead_time_channel_and_opts_out_of_one_group(client, world):
    user = world.members[0]
    user.phone = "98765432"
    user.save()
    other = MembershipFactory(group=GroupFactory(), user=user)
    client.force_login(user)
    page = client.get("/profil/varsler/")
    assert page.status_code == 200
    assert world.group.name in page.content.decode()  # one's own page may name the group
    response = client.post(
        "/profil/varsler/",
        {"lead_hours": "2", "channel": "both", "no_reminders_for": [world.memberships[0].pk]},
    )
    assert response.status_code == 302
    pref = ReminderPreference.objects.get(user=user)
    assert (pref.lead_hours, pref.channel) == (2, "both")
    assert list(ReminderOptOut.objects.values_list("membership_id", flat=True)) == [
        world.memberships[0].pk
    ]
    client.post(
        "/profil/varsler/", {"lead_hours": "24", "channel": "email", "no_reminders_for": [other.pk]}
    )
    assert list(ReminderOptOut.objects.values_list("membership_id", flat=True)) == [other.pk]


def test_someone_elses_membership_cannot_be_opted_out(client, world):
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.post(
        "/profil/varsler/",
        {"lead_hours": "24", "channel": "email", "no_reminders_for": [world.memberships[0].pk]},
    )
    assert response.status_code == 302
    assert not ReminderOptOut.objects.exists()


def test_sms_needs_a_valid_number(client, world):
    user = world.members[0]
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


def test_the_neutral_meeting_link_leads_members_in_and_others_nowhere(client, world):
    client.force_login(world.members[0])
    response = client.get(f"/varsler/mote/{world.meeting.pk}/")
    assert response.status_code == 302
    # To the meeting, through the pledge page if the member has not signed yet.
    assert response["Location"].startswith(f"/grupper/{world.group.slug}/inne/")
    client.force_login(UserFactory())
    assert client.get(f"/varsler/mote/{world.meeting.pk}/").status_code == 404
