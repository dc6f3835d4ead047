"""Beat wiring and idempotent tasks for joining."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from groups.models import Group, Membership
from joining import services, tasks
from joining.models import JoinRequest, WaitingListEntry
from notifications.models import OutgoingMessage
from notifications.tasks import send_batch
from tests.factories import UserFactory

from .conftest import make_group

pytestmark = pytest.mark.django_db


def test_beat_runs_the_joining_sweeps():
    schedule = settings.CELERY_BEAT_SCHEDULE
    # Requests every member must agree to are closed by the decisions sweep.
    assert schedule["decisions-settle"]["task"] == "decisions.tasks.settle_due"
    assert schedule["joining-expire-offers"]["task"] == "joining.tasks.expire_seat_offers"


def test_the_decisions_sweep_twice_one_effect(closed_group):
    from decisions import tasks as decision_tasks
    from decisions.models import Proposal

    request = services.join_request_create(group=closed_group, user=UserFactory())
    Proposal.objects.filter(pk=request.consent_id).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    decision_tasks.settle_due.delay()
    decision_tasks.settle_due.delay()
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.EXPIRED
    assert OutgoingMessage.objects.filter(kind="join_not_this_time").count() == 1


def test_seat_offer_mail_is_sent_once_with_a_neutral_subject(
    django_capture_on_commit_callbacks,
):
    group = make_group(state=Group.State.SELF_RUN, members=2, capacity=2, open_for_new_members=True)
    entry = services.waiting_list_join(group=group, user=UserFactory())
    leaver = group.memberships.active().filter(role=Membership.Role.MEMBER).first()
    assert leaver is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_leave(group=group, user=leaver.user)
    # A second run of the same outbox batch sends nothing.
    send_batch(list(OutgoingMessage.objects.values_list("pk", flat=True)))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [entry.user.email]
    assert mail.outbox[0].subject == "Selvhjelp: en plass er ledig til deg"


def test_expired_offers_pass_on_and_mail_the_next(django_capture_on_commit_callbacks):
    group = make_group(state=Group.State.SELF_RUN, members=2, capacity=2, open_for_new_members=True)
    first = services.waiting_list_join(group=group, user=UserFactory())
    second = services.waiting_list_join(group=group, user=UserFactory())
    leaver = group.memberships.active().filter(role=Membership.Role.MEMBER).first()
    assert leaver is not None
    services.membership_leave(group=group, user=leaver.user)
    WaitingListEntry.objects.filter(pk=first.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.expire_seat_offers.delay()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.expire_seat_offers.delay()
    second.refresh_from_db()
    assert second.status == WaitingListEntry.Status.OFFERED
    # The first is told the seat is no longer held; the second gets the offer.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.user.email, second.user.email])
