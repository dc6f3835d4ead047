"""The signed absence link from reminders: one member, one meeting, until it ends."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from meetings import links
from meetings.models import Absence, Meeting

from .conftest import future_meeting, make_group, past_meeting

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_the_url_is_absolute_and_carries_ids_only(meeting_group, settings):
    settings.SITE_URL = "https://selvhjelp.example"
    meeting = future_meeting(meeting_group)
    url = links.absence_url(membership=meeting_group.member, meeting=meeting)
    assert url.startswith("https://selvhjelp.example/fravar/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    payload = signing.loads(token, salt=links.SALT)
    assert payload == {"m": meeting.pk, "ms": meeting_group.member.pk}


def alert(response) -> str:
    return response.content.decode().split('role="status"', 1)[1].split("</div>", 1)[0]


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_get_asks_and_post_registers_once(meeting_group, client):
    meeting = future_meeting(meeting_group)
    url = path_of(links.absence_url(membership=meeting_group.member, meeting=meeting))
    page = client.get(url)
    assert page.status_code == 200
    assert not Absence.objects.exists()  # link checkers and prefetchers send nothing
    html = page.content.decode()
    for secret in (meeting_group.group.name, meeting_group.group.place):
        assert secret not in html
    first = client.post(url, {"action": "register"})
    second = client.post(url, {"action": "register"})
    assert first.status_code == second.status_code == 200
    assert "Your notice is registered" in first.content.decode()
    assert alert(first) == alert(second)
    assert Absence.objects.filter(meeting=meeting, membership=meeting_group.member).count() == 1
    assert meeting_group.group.name not in second.content.decode()
    undo = client.post(url, {"action": "undo"})
    assert "withdrawn" in undo.content.decode()
    assert not Absence.objects.exists()
    assert first["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"m": 1, "ms": 1}, salt="another-salt"),
        signing.dumps({"m": "1", "ms": 1}, salt=links.SALT),
        signing.dumps([1, 2], salt=links.SALT),
    ],
)
def test_forged_tokens_answer_404(meeting_group, client, token):
    url = reverse("meetings:absence_link", kwargs={"token": token})
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "register"}).status_code == 404
    assert not Absence.objects.exists()


def test_a_tampered_token_answers_404(meeting_group, client):
    meeting = future_meeting(meeting_group)
    token = links.absence_token(membership=meeting_group.member, meeting=meeting)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    url = reverse("meetings:absence_link", kwargs={"token": tampered})
    assert client.post(url, {"action": "register"}).status_code == 404
    assert not Absence.objects.exists()


def test_a_token_for_another_groups_meeting_answers_404(meeting_group, client):
    other = make_group(n_members=2)
    from meetings.services import meetings_materialise

    meetings_materialise(group_id=other.group.pk)
    foreign = future_meeting(other)
    url = path_of(links.absence_url(membership=meeting_group.member, meeting=foreign))
    assert client.post(url, {"action": "register"}).status_code == 404
    assert not Absence.objects.exists()


def test_after_the_meeting_the_link_no_longer_works(meeting_group, client):
    meeting = past_meeting(meeting_group, days_ago=1)
    url = path_of(links.absence_url(membership=meeting_group.member, meeting=meeting))
    page = client.post(url, {"action": "register"})
    assert page.status_code == 410
    assert "no longer works" in page.content.decode()
    assert not Absence.objects.exists()


def test_the_link_expires_when_the_meeting_ends_not_when_it_starts(meeting_group, client):
    meeting = future_meeting(meeting_group)
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - datetime.timedelta(minutes=10), ends_at=now + datetime.timedelta(hours=1)
    )
    url = path_of(links.absence_url(membership=meeting_group.member, meeting=meeting))
    assert client.post(url, {"action": "register"}).status_code == 200
    Meeting.objects.filter(pk=meeting.pk).update(ends_at=now - datetime.timedelta(minutes=1))
    assert client.post(url, {"action": "undo"}).status_code == 410
    assert Absence.objects.count() == 1


def test_a_member_who_left_cannot_use_the_link(meeting_group, client):
    meeting = future_meeting(meeting_group)
    membership = meeting_group.member
    url = path_of(links.absence_url(membership=membership, meeting=meeting))
    membership.status, membership.ended_at = "left", timezone.now()
    membership.save()
    assert client.post(url, {"action": "register"}).status_code == 410
    assert not Absence.objects.exists()
