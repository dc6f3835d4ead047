"""Downloading one's data: everything about oneself, nothing about anyone else."""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from tests.conftest import login

from .test_deletion import EMAIL, NAME, PHONE, SECOND_EMAIL, build_rich_user, reauthenticated


def download(client: Client) -> dict:
    response = client.post(reverse("privacy:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


@pytest.mark.django_db
def test_export_holds_everything_about_the_person():
    client = Client()
    rich = build_rich_user(client)
    data = download(client)

    assert data["profile"]["email"] == EMAIL
    assert data["profile"]["display_name"] == NAME
    assert data["profile"]["phone"] == PHONE
    assert {a["email"] for a in data["email_addresses"]} == {EMAIL, SECOND_EMAIL}
    assert {a["type"] for a in data["two_factor_authentication"]} == {"totp", "recovery_codes"}
    groups = {m["group"]: m for m in data["memberships"]}
    assert set(groups) == {
        rich.self_run.name,
        rich.last_one.name,
        rich.starting.name,
        rich.forming_initiated.name,
    }
    mine = groups[rich.self_run.name]
    assert mine["pledge_signatures"][0]["typed_name"] == NAME
    assert len(mine["notices_of_absence"]) == 1
    assert mine["host_weeks"] == ["2026-11-23"]
    assert mine["answers_to_join_requests"][0]["agrees"] is True
    assert [p["proposal"] for p in mine["proposals_made"]] == ["pause"]
    assert mine["answers_to_proposals"][0]["agrees"] is False
    assert data["join_requests"][0]["message"].startswith("Hei")
    assert data["waiting_list_entries"][0]["group"] == rich.full.name
    assert len(data["interest_registrations"]) == 1
    assert len(data["group_invitations"]) == 1
    assert len(data["support_requests_sent"]) == 1
    assert data["change_reports_sent"][0]["message"] == "Nytt nummer"
    assert data["calendar_feed"]["exists"] is True
    # A reminder, and the neutral notice of the other member's board post.
    assert {m["kind"] for m in data["messages_to_you"]} == {"reminder", "board_post"}
    assert [p["message"] for p in mine["board_posts"]] == [f"Hilsen {NAME}, ring meg på {PHONE}"]
    assert data["reminders"]["preference"]["hours_before"] == 6
    assert len(data["reminders"]["addresses_that_bounced"]) == 1
    assert mine["meeting_reminders_off"] is True
    assert data["staff"]["roles"][0]["role"] == "contact_point_staff"
    assert len(data["staff"]["invitations_received"]) == 1
    assert data["staff"]["groups_created"][0]["group"] == rich.starting.name
    assert "account.profile_changed" in {e["event"] for e in data["audit_events"]}

    text = json.dumps(data, ensure_ascii=False)
    # No secrets, and nothing about the fellow member.
    assert "feed-token-vilja" not in text
    assert rich.other.display_name not in text
    assert rich.other.email not in text
    assert (
        AuditEvent.objects.filter(event=AuditEvent.Event.ACCOUNT_EXPORTED, actor=rich.user).count()
        == 1
    )


@pytest.mark.django_db
def test_the_file_keeps_its_shape():
    """Format version 1: the keys, in this order, whichever app fills them."""
    client = Client()
    build_rich_user(client)
    data = download(client)
    assert list(data) == [
        "about",
        "format_version",
        "exported_at",
        "profile",
        "email_addresses",
        "two_factor_authentication",
        "memberships",
        "join_requests",
        "waiting_list_entries",
        "group_invitations",
        "interest_registrations",
        "support_requests_sent",
        "change_reports_sent",
        "calendar_feed",
        "reminders",
        "messages_to_you",
        "staff",
        "audit_events",
    ]
    assert data["format_version"] == 1
    assert list(data["profile"]) == [
        "email",
        "display_name",
        "phone",
        "phone_confirmed",
        "language",
        "date_joined",
        "last_login",
        "has_password",
        "admin_site_access",
    ]
    for membership in data["memberships"]:
        assert list(membership) == [
            "group",
            "role",
            "status",
            "joined_at",
            "ended_at",
            "takes_turns_as_host",
            "meeting_reminders_off",
            "pledge_signatures",
            "notices_of_absence",
            "host_weeks",
            "answers_to_join_requests",
            "proposals_made",
            "answers_to_proposals",
            "feedback_answered",
            "board_posts",
            "board_reading",
        ]
    # Rows that no app added to get the empty value.
    quiet = [m for m in data["memberships"] if not m["pledge_signatures"]]
    assert quiet and all(
        (m["meeting_reminders_off"], m["notices_of_absence"], m["host_weeks"]) == (False, [], [])
        for m in quiet
    )
    assert list(data["reminders"]) == ["preference", "addresses_that_bounced"]
    assert list(data["staff"]) == ["roles", "invitations_received", "groups_created"]
    assert list(data["calendar_feed"]) == ["exists", "created_at", "last_used_at"]
    assert list(data["audit_events"][0]) == ["event", "at", "about"]


@pytest.mark.django_db
def test_export_leaves_out_other_members(roles):
    client = reauthenticated(login(Client(), roles.user("member")))
    text = json.dumps(download(client), ensure_ascii=False)
    assert roles.group.name in text
    for other in ("other_member", "initiator", "member_unsigned", "former_member"):
        person = roles.users.get(other) or roles.other_member
        assert person.display_name not in text
        assert person.email not in text
    assert roles.other_member.display_name not in text
    assert roles.group.place not in text


@pytest.mark.django_db
def test_get_explains_and_download_needs_a_recent_login(roles):
    client = reauthenticated(login(Client(), roles.user("member")), seconds_ago=3600)
    page = client.get(reverse("privacy:data_export"))
    assert page.status_code == 200
    assert "Content-Disposition" not in page
    response = client.post(reverse("privacy:data_export"))
    assert response.status_code == 302
    assert "/reauthenticate/" in response["Location"]
    assert not AuditEvent.objects.filter(event=AuditEvent.Event.ACCOUNT_EXPORTED).exists()


@pytest.mark.django_db
def test_the_file_is_named_after_the_day_in_oslo(roles):
    # 00:30 on New Year's Day in Oslo is still 31 December in UTC.
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Oslo"))):
        client = reauthenticated(login(Client(), roles.user("member")))
        response = client.post(reverse("privacy:data_export"))
    assert response["Content-Disposition"] == (
        'attachment; filename="selvhjelp-mine-data-2027-01-01.json"'
    )


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.post(reverse("privacy:data_export"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
