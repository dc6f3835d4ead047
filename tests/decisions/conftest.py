"""A self-run group of members seated through the service, who have signed the pledge."""

from __future__ import annotations

from typing import Any

import pytest

from groups.models import Group, Membership
from joining.services import membership_add
from tests.factories import GroupFactory, UserFactory, signed


def self_run_group(size: int = 5, **extra: Any) -> tuple[Group, list[Membership]]:
    group = GroupFactory(state=Group.State.SELF_RUN, capacity=8, **extra)
    names = ["Aud", "Bjørk", "Cecilie", "Dag", "Eli", "Frode", "Gro", "Hege"]
    members = [
        signed(membership_add(group=group, user=UserFactory(display_name=names[i])))
        for i in range(size)
    ]
    group.refresh_from_db()
    return group, members


@pytest.fixture
def five(db) -> tuple[Group, list[Membership]]:
    return self_run_group(5)
