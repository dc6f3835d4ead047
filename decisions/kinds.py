"""What each kind of proposal does, registered by the app that owns the change.

The lifecycle kinds (start and end for the initiators; pause, resume, end,
open and close for the members) and the meeting place belong to ``groups``,
below this app, and are registered here (``register_own_kinds``). The apps
above register theirs at start-up, in their ``apps.py``: ``meetings`` the
meeting time, ``pledges`` the group's own lines, ``joining`` consent to a new
member (a join request, a waiting-list seat).

A kind's ``carry_out`` runs in the transaction that passes the proposal; a
``DomainError`` from it makes the proposal lapse instead (a seat was taken
meanwhile, the group ended). ``lapsed`` runs when a proposal of the kind
closes without passing, ``describe`` says on the group's page what exactly
is proposed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

from groups import lifecycle
from groups import services as group_services
from groups.models import Group

from .models import Proposal

Kind = Proposal.Kind
State = Group.State


@dataclass(frozen=True)
class KindRule:
    #: Whether the kind can be proposed in the group's present state.
    proposable: Callable[[Group], bool]
    #: It is already so: proposing it is refused, an open proposal of it is moot.
    is_so: Callable[[Proposal], bool]
    carry_out: Callable[[Proposal], None]
    lapsed: Callable[[Proposal], None] | None = None
    describe: Callable[[Proposal], str] | None = None


_rules: dict[str, KindRule] = {}


def register(
    kind: str,
    *,
    carry_out: Callable[[Proposal], None],
    proposable: Callable[[Group], bool] = lambda group: group.state in State.RUNS_ITSELF,
    is_so: Callable[[Proposal], bool] = lambda proposal: False,
    lapsed: Callable[[Proposal], None] | None = None,
    describe: Callable[[Proposal], str] | None = None,
) -> None:
    """Register what ``kind`` does (an app's ``ready()``; registering again replaces it)."""
    if kind not in Kind.values:
        raise ValueError(f"{kind!r} is not a kind of proposal")
    _rules[kind] = KindRule(
        proposable=proposable, is_so=is_so, carry_out=carry_out, lapsed=lapsed, describe=describe
    )


def rule(kind: str) -> KindRule:
    try:
        return _rules[kind]
    except KeyError:
        raise ImproperlyConfigured(
            f"nothing is registered for proposals of kind {kind!r}"
        ) from None


# --- This app's own kinds ---------------------------------------------------------


def _transition(action: str) -> Callable[[Proposal], None]:
    def carry_out(proposal: Proposal) -> None:
        lifecycle.group_transition_together(
            group=proposal.group, action=action, proposal_id=proposal.pk
        )

    return carry_out


def _in_sources(action: str) -> Callable[[Group], bool]:
    sources = lifecycle.TRANSITIONS[action].sources
    return lambda group: group.state in sources and group.state in State.RUNS_ITSELF


def _place_carry_out(proposal: Proposal) -> None:
    group_services.group_place_change(
        group=proposal.group, place=proposal.text, proposal_id=proposal.pk
    )


def _place_describe(proposal: Proposal) -> str:
    return gettext("New place: %(place)s") % {"place": proposal.text}


def register_own_kinds() -> None:
    """The lifecycle and the meeting place (``decisions/apps.py``)."""
    register(Kind.PAUSE, carry_out=_transition("pause"), proposable=_in_sources("pause"))
    register(Kind.RESUME, carry_out=_transition("resume"), proposable=_in_sources("resume"))
    register(Kind.END, carry_out=_transition("end"), proposable=_in_sources("end"))
    register(
        Kind.OPEN,
        carry_out=_transition("open"),
        proposable=_in_sources("open"),
        is_so=lambda proposal: proposal.group.open_for_new_members,
    )
    register(
        Kind.CLOSE,
        carry_out=_transition("close"),
        proposable=_in_sources("close"),
        is_so=lambda proposal: not proposal.group.open_for_new_members,
    )
    register(
        Kind.PLACE,
        carry_out=_place_carry_out,
        proposable=lambda group: group.state in State.RUNS_ITSELF and not group.is_digital,
        is_so=lambda proposal: proposal.text.strip() == proposal.group.place.strip(),
        describe=_place_describe,
    )
    # START is never proposed: the initiators start the first meetings at once.
    register(Kind.START, carry_out=lambda proposal: None, proposable=lambda group: False)
