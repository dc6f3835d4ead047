"""The pages for deciding together: the open proposals on the group's page, proposing,
answering, withdrawing, and a clear message for every answer that changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from decisions import services
from decisions.models import Answer, Proposal
from groups.models import Group
from tests.conftest import login

from .conftest import self_run_group

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    return login(Client(), user)


def inside(group: Group) -> str:
    return group.inside_url("groups:inside")


def test_the_open_proposal_is_at_the_top_of_the_group_page(five):
    group, (a, b, *_rest) = five
    services.proposal_create(group=group, user=a.user, kind=Proposal.Kind.PAUSE, note="Juli")
    page = client_for(b.user).get(inside(group)).content.decode()
    block = page.index('aria-labelledby="open-proposals-title"')
    assert block < page.index('id="meetings-title"')
    assert "Ta pause" in page and "Juli" in page and "Foreslått av Aud." in page
    assert "Jeg er enig" in page and "Jeg har en innvending" in page


def test_propose_answer_and_withdraw_through_the_pages(five):
    group, (a, b, c, *_rest) = five
    url = group.inside_url("decisions:propose", kind="end")
    assert client_for(a.user).get(url).status_code == 200
    response = client_for(a.user).post(url, {"note": "Vi har fått det vi kom for"})
    assert response.status_code == 302 and response["Location"] == inside(group)
    proposal = Proposal.objects.get()
    answer_url = group.inside_url("decisions:answer", pk=proposal.pk)
    client_for(b.user).post(answer_url, {"answer": "no", "note": "Ikke ennå"})
    assert Answer.objects.get(membership=b).note == "Ikke ennå"
    withdraw_url = group.inside_url("decisions:withdraw", pk=proposal.pk)
    # Only the proposer.
    client_for(c.user).post(withdraw_url)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    client_for(a.user).post(withdraw_url)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    group.refresh_from_db()
    assert group.state == Group.State.SELF_RUN


def test_a_new_place_through_its_form(five):
    group, (a, *_rest) = five
    url = group.inside_url("decisions:propose", kind="place")
    page = client_for(a.user).post(url, {"place": "", "note": ""}, follow=True)
    assert "Skriv hvor gruppa skal møtes." in page.content.decode()
    client_for(a.user).post(url, {"place": "Biblioteket", "note": ""})
    assert Proposal.objects.get().text == "Biblioteket"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("passed", "Dette forslaget er allerede vedtatt. Svaret ditt endret ingenting."),
        ("withdrawn", "Dette forslaget er trukket. Svaret ditt endret ingenting."),
        (
            "lapsed",
            "Dette forslaget ble ikke vedtatt og er avsluttet. Svaret ditt endret ingenting.",
        ),
        ("twice", "Du har allerede svart på dette forslaget."),
        ("late", "Tiden for å svare på dette forslaget er ute. Svaret ditt endret ingenting."),
        ("garbage", "Velg om du er enig eller har en innvending."),
    ],
)
def test_bad_answers_get_a_clear_message_and_change_nothing(setup, expected):
    group, (a, b, c) = self_run_group(3)
    proposal = services.proposal_create(group=group, user=a.user, kind=Proposal.Kind.PAUSE)
    data = {"answer": "yes"}
    if setup == "passed":
        services.proposal_answer(proposal=proposal, user=b.user, agrees=True)
        services.proposal_answer(proposal=proposal, user=c.user, agrees=True)
        Group.objects.filter(pk=group.pk).update(state=Group.State.SELF_RUN)
    elif setup == "withdrawn":
        services.proposal_withdraw(proposal=proposal, user=a.user)
    elif setup == "lapsed":
        services.proposals_settle_due(now=timezone.now() + datetime.timedelta(days=8))
    elif setup == "twice":
        services.proposal_answer(proposal=proposal, user=c.user, agrees=True)
    elif setup == "late":
        Proposal.objects.filter(pk=proposal.pk).update(
            deadline=timezone.now() - datetime.timedelta(minutes=1)
        )
    else:
        data = {"answer": "maybe"}
    answers = list(Answer.objects.values_list("pk", "agrees"))
    url = group.inside_url("decisions:answer", pk=proposal.pk)
    response = client_for(c.user).post(url, data, follow=True)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert list(Answer.objects.values_list("pk", "agrees")) == answers


def test_forged_ids_answer_404_and_change_nothing(five):
    group, (_a, b, *_rest) = five
    other, (x, *_others) = self_run_group(2)
    theirs = services.proposal_create(group=other, user=x.user, kind=Proposal.Kind.PAUSE)
    for name in ("answer", "withdraw"):
        for pk in (theirs.pk, 999999):
            url = group.inside_url(f"decisions:{name}", pk=pk)
            assert client_for(b.user).post(url, {"answer": "yes"}).status_code == 404
    url = group.inside_url("decisions:propose", kind="explode")
    assert client_for(b.user).get(url).status_code == 404
    assert Answer.objects.filter(proposal=theirs).count() == 1


def test_the_proposals_page_lists_the_record(five):
    group, members = five
    proposal = services.proposal_create(group=group, user=members[0].user, kind="pause")
    for member in members[1:]:
        services.proposal_answer(proposal=proposal, user=member.user, agrees=True)
    page = client_for(members[1].user).get(group.inside_url("decisions:proposals")).content.decode()
    assert "Gruppa har bestemt å ta pause fra" in page
    feed = client_for(members[1].user).get(inside(group)).content.decode()
    assert "Gruppa har bestemt å ta pause fra" in feed


def test_schedule_and_pledge_lines_become_proposals_once_the_group_runs_itself(five):
    group, (a, *_rest) = five
    client = client_for(a.user)
    client.post(
        group.inside_url("meetings:schedule"),
        {
            "weekday": "3",
            "start_time": "19:00",
            "duration_minutes": "120",
            "cadence": "weekly",
            "note": "Torsdag passer bedre",
        },
    )
    client.post(
        group.inside_url("pledges:group_lines"),
        {"text": "Vi slår av mobilen.", "note": ""},
    )
    group.refresh_from_db()
    assert group.weekday != 3  # nothing changed yet
    kinds = set(Proposal.objects.values_list("kind", flat=True))
    assert kinds == {Proposal.Kind.SCHEDULE, Proposal.Kind.PLEDGE_LINES}
