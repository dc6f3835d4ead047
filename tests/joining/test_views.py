"""Joining through the pages: the public page, /bli-med/ and the group's inside pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.models import Answer, Proposal
from groups.models import Group, Membership
from joining import services
from joining.models import GroupNotice, JoinRequest, WaitingListEntry
from notifications import sending
from notifications.models import OutgoingMessage
from notifications.sms import LocmemBackend
from tests.factories import UserFactory

from .conftest import make_group

pytestmark = pytest.mark.django_db


def members(group: Group) -> list[Membership]:
    return list(group.memberships.active().filter(role=Membership.Role.MEMBER))


def test_the_public_page_offers_to_ask(open_group, client_as):
    response = client_as(UserFactory()).get(open_group.get_absolute_url())
    assert reverse("joining:request", kwargs={"slug": open_group.slug}) in response.content.decode()


def test_a_full_group_offers_the_waiting_list(client_as):
    group = make_group(state=Group.State.SELF_RUN, members=2, capacity=2, open_for_new_members=True)
    response = client_as(UserFactory()).get(group.get_absolute_url())
    assert (
        reverse("joining:waiting_list_join", kwargs={"slug": group.slug})
        in response.content.decode()
    )


def test_asking_needs_a_login(open_group, client):
    url = reverse("joining:request", kwargs={"slug": open_group.slug})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_double_submit_makes_one_request(open_group, client_as):
    seeker = UserFactory()
    client = client_as(seeker)
    url = reverse("joining:request", kwargs={"slug": open_group.slug})
    first = client.post(url, {"message": "Kan begynne neste uke"})
    assert first.status_code == 302 and first["Location"] == reverse("joining:mine")
    second = client.post(url, {"message": "Kan begynne neste uke"})
    assert second.status_code == 200
    assert "Du har allerede spurt om å bli med" in second.content.decode()
    assert JoinRequest.objects.filter(user=seeker).count() == 1


def test_too_long_a_message_is_a_form_error(open_group, client_as):
    url = reverse("joining:request", kwargs={"slug": open_group.slug})
    response = client_as(UserFactory()).post(url, {"message": "x" * 301})
    assert response.status_code == 200
    assert not JoinRequest.objects.exists()


def test_the_seeker_follows_and_withdraws(open_group, client_as):
    seeker = UserFactory()
    request = services.join_request_create(group=open_group, user=seeker)
    client = client_as(seeker)
    page = client.get(reverse("joining:mine")).content.decode()
    assert open_group.name in page
    assert reverse("joining:withdraw", kwargs={"pk": request.pk}) in page
    client.post(reverse("joining:withdraw", kwargs={"pk": request.pk}))
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WITHDRAWN
    # Twice: a message, nothing changed.
    response = client.post(reverse("joining:withdraw", kwargs={"pk": request.pk}), follow=True)
    assert "allerede besvart" in response.content.decode()


def test_someone_elses_request_is_404(open_group, client_as):
    request = services.join_request_create(group=open_group, user=UserFactory())
    response = client_as(UserFactory()).post(reverse("joining:withdraw", kwargs={"pk": request.pk}))
    assert response.status_code == 404


def test_members_see_name_and_message_and_answer(open_group, client_as):
    seeker = UserFactory(display_name="Kari K")
    request = services.join_request_create(group=open_group, user=seeker, message="Hei alle")
    member = members(open_group)[0].user
    client = client_as(member)
    url = open_group.inside_url("joining:group_requests")
    page = client.get(url).content.decode()
    assert "Kari K" in page and "Hei alle" in page
    assert seeker.email not in page
    answer = open_group.inside_url("joining:answer", pk=request.pk)
    response = client.post(answer, {"answer": "yes"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.ACCEPTED
    assert open_group.memberships.active().filter(user=seeker).exists()


def test_the_requests_page_is_404_for_outsiders(open_group, client_as):
    url = open_group.inside_url("joining:group_requests")
    assert client_as(UserFactory()).get(url).status_code == 404


def test_another_groups_request_id_is_404(open_group, closed_group, client_as):
    foreign = services.join_request_create(group=closed_group, user=UserFactory())
    url = open_group.inside_url("joining:answer", pk=foreign.pk)
    response = client_as(members(open_group)[0].user).post(url, {"answer": "yes"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == JoinRequest.Status.PENDING


def test_a_bad_answer_changes_nothing(open_group, client_as):
    request = services.join_request_create(group=open_group, user=UserFactory())
    url = open_group.inside_url("joining:answer", pk=request.pk)
    client_as(members(open_group)[0].user).post(url, {"answer": "kanskje"})
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING


def test_accepting_into_a_full_group_shows_a_message(open_group, client_as):
    request = services.join_request_create(group=open_group, user=UserFactory())
    Group.objects.filter(pk=open_group.pk).update(capacity=2)
    url = open_group.inside_url("joining:answer", pk=request.pk)
    response = client_as(members(open_group)[0].user).post(url, {"answer": "yes"}, follow=True)
    assert "Gruppa er full." in response.content.decode()
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.PENDING


def test_consenting_after_the_deadline_shows_a_message(closed_group, client_as):
    request = services.join_request_create(group=closed_group, user=UserFactory())
    Proposal.objects.filter(pk=request.consent_id).update(
        deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    url = closed_group.inside_url("joining:answer", pk=request.pk)
    response = client_as(members(closed_group)[0].user).post(url, {"answer": "yes"}, follow=True)
    assert "Tiden for å svare på dette forslaget er ute" in response.content.decode()
    assert not Answer.objects.exists()


def test_leaving_in_one_click_and_the_group_is_told(open_group, client_as):
    leaver = members(open_group)[0]
    leaver.user.display_name = "Vilde Vandrer"
    leaver.user.save()
    client = client_as(leaver.user)
    url = open_group.inside_url("joining:leave")
    response = client.post(url)
    # On to the anonymous questions for those who have left (feedback).
    questions = open_group.inside_url("feedback:answer")
    assert response.status_code == 302 and response["Location"] == questions
    leaver.refresh_from_db()
    assert leaver.status == Membership.Status.LEFT
    # Twice: 404 (no longer inside), nothing changed.
    assert client.post(url).status_code == 404
    assert GroupNotice.objects.filter(kind=GroupNotice.Kind.LEFT).count() == 1
    inside = client_as(members(open_group)[0].user).get(open_group.inside_url("groups:inside"))
    page = inside.content.decode()
    assert "V. " in page
    assert "Vilde Vandrer" not in page


def test_the_waiting_list_from_the_public_page(client_as):
    group = make_group(state=Group.State.SELF_RUN, members=2, capacity=2, open_for_new_members=True)
    user = UserFactory()
    client = client_as(user)
    url = reverse("joining:waiting_list_join", kwargs={"slug": group.slug})
    client.post(url)
    client.post(url)
    assert WaitingListEntry.objects.filter(user=user).count() == 1


def test_taking_an_offered_seat_on_the_page(client_as):
    group = make_group(
        state=Group.State.SELF_RUN,
        members=2,
        capacity=2,
        open_for_new_members=True,
        admission=Group.Admission.OPEN,
    )
    entry = services.waiting_list_join(group=group, user=UserFactory())
    services.membership_leave(group=group, user=members(group)[0].user)
    client = client_as(entry.user)
    assert "Ta plassen" in client.get(reverse("joining:mine")).content.decode()
    url = reverse("joining:waiting_list_respond", kwargs={"pk": entry.pk})
    client.post(url, {"answer": "accept"})
    assert group.memberships.active().filter(user=entry.user).exists()


def test_saying_yes_to_a_seat_in_a_closed_group_waits_for_the_members(client_as):
    group = make_group(state=Group.State.SELF_RUN, members=2, capacity=2, open_for_new_members=True)
    entry = services.waiting_list_join(group=group, user=UserFactory())
    services.membership_leave(group=group, user=members(group)[0].user)
    client = client_as(entry.user)
    url = reverse("joining:waiting_list_respond", kwargs={"pk": entry.pk})
    response = client.post(url, {"answer": "accept"}, follow=True)
    assert "blir gruppas medlemmer spurt" in response.content.decode()
    assert not group.memberships.active().filter(user=entry.user).exists()
    page = client.get(reverse("joining:mine")).content.decode()
    assert "Du sa ja til plassen" in page


def _many_requests(user, n: int) -> None:
    for _ in range(n):
        group = make_group(state=Group.State.FORMING)
        services.join_request_create(group=group, user=user)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_my_requests_query_count_does_not_grow(client_as):
    user = UserFactory()
    client = client_as(user)
    url = reverse("joining:mine")
    _many_requests(user, 1)
    client.get(url)  # warm the session
    one = _queries(client, url)
    _many_requests(user, 4)
    assert _queries(client, url) == one


def test_group_requests_query_count_does_not_grow(open_group, client_as):
    client = client_as(members(open_group)[0].user)
    url = open_group.inside_url("joining:group_requests")
    services.join_request_create(group=open_group, user=UserFactory())
    client.get(url)
    one = _queries(client, url)
    for _ in range(4):
        services.join_request_create(group=open_group, user=UserFactory())
    assert _queries(client, url) == one


def test_a_member_can_leave_before_signing_the_pledge(open_group, client_as):
    """Leaving is possible at any time; the pledge gate does not stand in the way."""
    newcomer = UserFactory()
    services.membership_add(group=open_group, user=newcomer)
    response = client_as(newcomer).post(open_group.inside_url("joining:leave"))
    assert response.status_code == 302
    assert not open_group.memberships.active().filter(user=newcomer).exists()


def test_someone_with_only_a_mobile_number_asks_to_join_and_is_welcomed_by_text(
    open_group, client_as, settings
):
    settings.SELVHJELP_SMS_BACKEND = "notifications.sms.LocmemBackend"
    LocmemBackend.outbox.clear()
    seeker = UserFactory(email=None, phone="+4791234567", phone_verified=True, verified=False)
    seeker.set_unusable_password()
    seeker.save()
    url = reverse("joining:request", kwargs={"slug": open_group.slug})

    assert client_as(seeker).post(url, {"message": ""}).status_code == 302

    join_request = JoinRequest.objects.get(user=seeker)
    services.join_request_answer(
        join_request=join_request, user=members(open_group)[0].user, agrees=True
    )
    welcome = OutgoingMessage.objects.get(recipient=seeker, kind="join_welcome")
    assert welcome.channel == OutgoingMessage.Channel.SMS
    sending.send_batch([welcome.pk])
    (text,) = LocmemBackend.outbox
    assert text["to"] == "+4791234567"
    assert open_group.name not in text["text"] and open_group.slug not in text["text"]
    LocmemBackend.outbox.clear()
