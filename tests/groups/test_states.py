"""The named sets of group states: what they mean, and that templates can read them."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from groups import lifecycle
from groups.models import Group
from tests.factories import GroupFactory

State = Group.State


def test_the_sets_say_what_their_names_mean():
    assert tuple(s for s in State if s != State.DRAFT) == State.PUBLISHED  # in life order
    assert tuple(s for s in State.PUBLISHED if s != State.ENDED) == State.ACTIVE
    assert lifecycle.TRANSITIONS["end"].sources == State.ACTIVE
    assert set(State.BEFORE_START).isdisjoint(State.STARTED)
    assert set(State.MEETING) == set(State.STARTED) - {State.PAUSED}
    assert set(State.RUNS_ITSELF) == set(State.STARTED) - {State.STARTING}
    assert set(State.JOINABLE) == set(State.GUIDED) | set(State.MEETING)
    for named in (State.GUIDED, State.JOINABLE, State.MEETING, State.RUNS_ITSELF):
        assert set(named) <= set(State.ACTIVE)
    assert all(isinstance(s, State) for s in State.PUBLISHED + State.BEFORE_START)


@pytest.mark.django_db
def test_public_groups_are_the_active_ones():
    for state in State:
        GroupFactory(state=state)
    shown = set(Group.objects.public().values_list("state", flat=True))
    assert shown == set(State.ACTIVE)


@pytest.mark.parametrize("state", list(State))
def test_templates_read_the_sets_from_the_group(state):
    template = Template(
        "{% if group.state in group.State.RUNS_ITSELF %}itself{% else %}guided{% endif %}"
        " {% if group.state in group.State.ACTIVE %}public{% else %}hidden{% endif %}"
    )
    shown = template.render(Context({"group": Group(state=state)}))
    assert shown == " ".join(
        (
            "itself" if state in (State.SELF_RUN, State.PAUSED) else "guided",
            "public" if state not in (State.DRAFT, State.ENDED) else "hidden",
        )
    )
