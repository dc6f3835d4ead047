"""Fixtures for joining: groups in each admission mode, seated through the service."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from groups.models import Group, Membership
from joining.services import membership_add
from tests.conftest import login
from tests.factories import GroupFactory, MembershipFactory, UserFactory, signed


def seat(group: Group, user: Any = None, *, sign: bool = True) -> Membership:
    """A member of ``group``, seated (and counted) by ``membership_add``."""
    membership = membership_add(group=group, user=user or UserFactory())
    if sign:
        signed(membership)
    return membership


def make_group(*, state: str, members: int = 0, **extra: Any) -> Group:
    group = GroupFactory(state=state, **extra)
    for _ in range(members):
        seat(group)
    group.refresh_from_db()
    return group


@pytest.fixture
def starting_group(db) -> tuple[Group, Membership]:
    """A starting group with one initiator (who decides) and two members."""
    group = make_group(state=Group.State.STARTING, members=2)
    initiator = MembershipFactory(group=group, role=Membership.Role.INITIATOR, pledge_signed=True)
    return group, initiator


@pytest.fixture
def closed_group(db) -> Group:
    """Self-run, admission closed (all members must agree), open for new members."""
    return make_group(
        state=Group.State.SELF_RUN,
        members=3,
        admission=Group.Admission.CLOSED,
        open_for_new_members=True,
    )


@pytest.fixture
def open_group(db) -> Group:
    """Self-run, admission open (any member may accept)."""
    return make_group(
        state=Group.State.SELF_RUN,
        members=2,
        admission=Group.Admission.OPEN,
        open_for_new_members=True,
    )


@pytest.fixture
def client_as():
    def make(user: Any) -> Client:
        return login(Client(), user)

    return make
