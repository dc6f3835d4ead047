"""An audit row names the person or the group, never both."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import AuditEvent
from core.services import audit
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_actor_beside_a_group_is_refused():
    user = UserFactory()
    group = GroupFactory()
    with pytest.raises(ValueError, match="names a group"):
        audit(actor=user, event=AuditEvent.Event.GROUP_UPDATED, target=group)


def test_an_actor_beside_a_record_inside_a_group_is_refused():
    membership = MembershipFactory()
    with pytest.raises(ValueError, match="names a group"):
        audit(
            actor=membership.user,
            event=AuditEvent.Event.JOINING_MEMBERSHIP_ADDED,
            target=membership,
        )


@pytest.mark.parametrize("key", ["group", "membership", "meeting"])
def test_an_actor_beside_a_group_in_the_details_is_refused(key):
    user = UserFactory()
    with pytest.raises(ValueError, match="names a group"):
        audit(actor=user, event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED, data={key: 1})


def test_the_person_alone_or_the_group_alone_is_recorded():
    user = UserFactory()
    membership = MembershipFactory(user=user)
    audit(actor=user, event=AuditEvent.Event.ACCOUNT_PROFILE_CHANGED, target=user)
    audit(
        actor=None,
        event=AuditEvent.Event.JOINING_MEMBERSHIP_ADDED,
        target=membership,
        data={"group": membership.group_id},
    )
    assert AuditEvent.objects.filter(actor=user).count() == 1
    assert AuditEvent.objects.filter(actor=None, target_id=str(membership.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_forgets_the_actor_of_rows_that_name_a_group():
    before = [("core", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    OldAuditEvent = executor.loader.project_state(before).apps.get_model("core", "AuditEvent")
    user = UserFactory()
    signed = OldAuditEvent.objects.create(
        actor_id=user.pk,
        event="pledge.signed",
        target_type="pledges.pledgesignature",
        target_id="4",
        data={"membership": 3, "group": 2},
    )
    moved = OldAuditEvent.objects.create(
        actor_id=user.pk, event="meeting.moved", target_type="meetings.meeting", target_id="9"
    )
    by_details = OldAuditEvent.objects.create(
        actor_id=user.pk, event="group.initiator_handed_over", data={"group": 2}
    )
    login = OldAuditEvent.objects.create(
        actor_id=user.pk, event="account.login", target_type="accounts.user", target_id="1"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    actors = dict(AuditEvent.objects.values_list("pk", "actor_id"))
    assert actors[signed.pk] is None and actors[moved.pk] is None
    assert actors[by_details.pk] is None
    assert actors[login.pk] == user.pk
    # What happened, and to which group, stays.
    assert AuditEvent.objects.get(pk=signed.pk).data == {"membership": 3, "group": 2}
