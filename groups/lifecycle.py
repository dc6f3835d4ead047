"""A group's lifecycle: the states and the guarded transitions between them.

    draft ──publish──▶ forming ──start──▶ starting ──step back──▶ self_run
                                                                  │  ▲
                                                            pause │  │ resume
                                                                  ▼  │
                                                                 paused
    any of forming, starting, self_run, paused ──end──▶ ended

Opening and closing a self-run group to new members are transitions of their
own (the state stays ``self_run``). Every transition is one atomic service
that locks the group row, checks the state and who acts and writes an audit
event. A transition that changes the state announces it after commit
(``signals.group_state_changed``), which is how the group's stored meetings
follow; no message goes out to the members.

Before a group runs itself, its initiators and contact point take the
transitions (``group_transition``). Afterwards nobody takes one alone: a
member proposes it, the members decide together (the ``decisions`` app), and
a proposal that passes is carried out by ``group_transition_together``.

The last initiator steps back only when the group is ready to run itself
(``step_back_blockers``): enough members and at least one meeting held. How
many meetings were held is the ``meetings`` app's to say; it registers its
count at start-up (``meetings_held_register``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.models import AuditEvent
from core.services import DomainError, audit

from .models import Group, Membership
from .selectors import user_runs_group
from .signals import announce_state_change

State = Group.State
Event = AuditEvent.Event


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    label: Any  # on the button: what the member does
    event: AuditEvent.Event
    done: Any = ""  # afterwards: what has happened, in a sentence


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "publish",
            (State.DRAFT,),
            State.FORMING,
            _("Publish"),
            Event.GROUP_PUBLISH,
            _("The group is published. People looking for a group can find it now."),
        ),
        Transition(
            "start",
            (State.FORMING,),
            State.STARTING,
            _("Start the first meetings"),
            Event.GROUP_START,
            _("The group has started its first meetings."),
        ),
        Transition(
            "become_self_run",
            (State.STARTING,),
            State.SELF_RUN,
            _("Group runs itself"),
            Event.GROUP_BECOME_SELF_RUN,
            _("The group runs itself now."),
        ),
        # Only from self_run: resuming leads to self_run, so pausing a starting
        # group would skip the initiators stepping back.
        Transition(
            "pause",
            (State.SELF_RUN,),
            State.PAUSED,
            _("Pause"),
            Event.GROUP_PAUSE,
            _("The group is having a break. There are no meetings until you start again."),
        ),
        Transition(
            "resume",
            (State.PAUSED,),
            State.SELF_RUN,
            _("Resume"),
            Event.GROUP_RESUME,
            _("Welcome back! The group meets again."),
        ),
        Transition(
            "end",
            State.ACTIVE,
            State.ENDED,
            _("End the group"),
            Event.GROUP_END,
            _("The group has ended. Thank you for the time you had together."),
        ),
        Transition(
            "open",
            (State.SELF_RUN,),
            None,
            pgettext_lazy("button", "Open for new members"),
            Event.GROUP_OPEN,
            _("The group is open for new members."),
        ),
        Transition(
            "close",
            (State.SELF_RUN,),
            None,
            _("Close for new members"),
            Event.GROUP_CLOSE,
            _("The group is closed for new members."),
        ),
    )
}


# What the members may decide together once the group runs itself.
TOGETHER = ("pause", "resume", "end", "open", "close")

#: Meetings a starting group has held (started, not cancelled, counted); from ``meetings``.
MeetingsHeld = Callable[[Group], int]
_meetings_held: MeetingsHeld | None = None


def meetings_held_register(count: MeetingsHeld) -> None:
    """Called by the meetings app at start-up with its count of meetings held."""
    global _meetings_held
    _meetings_held = count


def meetings_held(group: Group) -> int:
    if _meetings_held is None:
        raise ImproperlyConfigured(
            "No count of meetings held is registered: is 'meetings' installed?"
        )
    return _meetings_held(group)


def step_back_blockers(*, group: Group) -> list[str]:
    """Why the group is not ready to run itself yet; empty when it is.

    Selvhjelp Norge's advice: the initiator steps out once the group manages
    on its own. A group of one or two, or one that has never met, does not
    yet (``SELVHJELP_SELF_RUN_MIN_MEMBERS``, ``SELVHJELP_SELF_RUN_MIN_MEETINGS``).
    """
    blockers = []
    min_members = settings.SELVHJELP_SELF_RUN_MIN_MEMBERS
    min_meetings = settings.SELVHJELP_SELF_RUN_MIN_MEETINGS
    if group.member_count < min_members:
        blockers.append(
            ngettext(
                "The group needs at least %(count)d member besides the initiators.",
                "The group needs at least %(count)d members besides the initiators.",
                min_members,
            )
            % {"count": min_members}
        )
    if meetings_held(group) < min_meetings:
        blockers.append(
            ngettext(
                "The group needs to have held at least %(count)d meeting, with the count of "
                "how many came recorded.",
                "The group needs to have held at least %(count)d meetings, with the count of "
                "how many came recorded.",
                min_meetings,
            )
            % {"count": min_meetings}
        )
    return blockers


def active_initiator(*, user: Any, group: Group) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.active()
        .filter(group=group, user=user, role=Membership.Role.INITIATOR)
        .first()
    )


def active_member(*, user: Any, group: Group) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.active()
        .filter(group=group, user=user, role=Membership.Role.MEMBER)
        .first()
    )


def may(*, user: Any, group: Group, action: str) -> bool:
    """Who may take a transition alone.

    Before the group runs itself, its initiators and the contact point's staff
    steer the start. Afterwards nobody does: every member has the same say,
    and a change is proposed and decided together (``decisions``), so no
    member has a power the others lack.
    """
    transition = TRANSITIONS[action]
    if group.state not in transition.sources:
        return False
    if action == "become_self_run":
        return False  # only through the last initiator stepping back
    if (
        action == "start"
        and not group.memberships.active().filter(role=Membership.Role.INITIATOR).exists()
    ):
        return False  # someone must guide the first meetings, and later step back
    if group.state in State.RUNS_ITSELF:
        return False
    return bool(active_initiator(user=user, group=group) or user_runs_group(user=user, group=group))


def _changes_nothing(group: Group, action: str) -> bool:
    return (action == "open" and group.open_for_new_members) or (
        action == "close" and not group.open_for_new_members
    )


def allowed_actions(*, user: Any, group: Group) -> list[Transition]:
    """The transitions ``user`` may take now, without those that would change nothing."""
    return [
        t
        for name, t in TRANSITIONS.items()
        if not _changes_nothing(group, name) and may(user=user, group=group, action=name)
    ]


def _apply(group: Group, transition: Transition, actor: Any, **data: Any) -> Group:
    previous = group.state
    if transition.target is not None:
        group.state = transition.target
        group.state_changed_at = timezone.now()
    if transition.name == "open":
        if group.open_for_new_members:
            raise DomainError(
                gettext("The group is already open for new members."), code="no_change"
            )
        group.open_for_new_members = True
    elif transition.name == "close" and not group.open_for_new_members:
        raise DomainError(gettext("The group is already closed for new members."), code="no_change")
    elif transition.name in ("close", "become_self_run"):
        # Selvhjelp Norge's advice: closed after the start, reopened by choice.
        group.open_for_new_members = False
    elif transition.name == "publish":
        group.published_at = timezone.now()
    if transition.name == "start":
        group.started_at = timezone.now()
    if transition.name == "become_self_run":
        group.self_run_at = timezone.now()
    group.save()
    audit(
        actor=None,
        event=transition.event,
        target=group,
        data={"from": previous, "to": group.state, **data},
    )
    if group.state != previous:
        announce_state_change(group=group, previous=previous)
    return group


@transaction.atomic
def group_transition(*, group: Group, action: str, actor: Any) -> Group:
    """Take the lifecycle transition ``action`` on ``group`` as ``actor``.

    Raises ``DomainError`` when the group is not in a state the transition
    starts from, or the actor may not take it. The row is locked, so two
    people pressing the same button at once end with one transition.
    """
    if action not in TRANSITIONS:
        raise DomainError(gettext("Unknown action."), code="unknown")
    locked = Group.objects.select_for_update().get(pk=group.pk)
    transition = TRANSITIONS[action]
    if locked.state not in transition.sources:
        raise DomainError(
            gettext("That cannot be done while the group is “%(state)s”.")
            % {"state": locked.get_state_display()},
            code="wrong_state",
        )
    if not may(user=actor, group=locked, action=action):
        raise DomainError(gettext("You cannot do that in this group."), code="forbidden")
    return _apply(locked, transition, actor)


@transaction.atomic
def group_transition_together(
    *, group: Group, action: str, proposal_id: int | None, reason: str = "decided"
) -> Group:
    """Carry out a change the members of a self-run group decided together.

    Called by ``decisions`` when a proposal passes (``proposal_id``), and when
    the last member leaves the platform (``reason="last_member"``: the group
    ends rather than running with nobody). Nobody acts: the audit row has no
    actor, and names the proposal.
    """
    if action not in TOGETHER:
        raise DomainError(gettext("Unknown action."), code="unknown")
    locked = Group.objects.select_for_update().get(pk=group.pk)
    transition = TRANSITIONS[action]
    if locked.state not in transition.sources or locked.state not in State.RUNS_ITSELF:
        raise DomainError(
            gettext("That cannot be done while the group is “%(state)s”.")
            % {"state": locked.get_state_display()},
            code="wrong_state",
        )
    return _apply(locked, transition, None, proposal=proposal_id, reason=reason)


@transaction.atomic
def initiator_step_back(*, group: Group, user: Any, leaving_platform: bool = False) -> Group:
    """The initiator steps out of the group ("gjør seg selv overflødig").

    From now on they no longer see inside the group; the members still see
    them as a follow-up contact. When the last active initiator has stepped
    back, the group runs itself, which the last initiator can do only once
    the group is ready (``step_back_blockers``); until then they can hand the
    role over or ask the contact point.

    ``leaving_platform``: the initiator deletes their account. They step out
    whatever the group's readiness; a group that is not ready stays
    ``starting`` without an initiator, and the follow-up list flags it for
    its contact point.
    """
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if locked.state != State.STARTING:
        raise DomainError(
            gettext("You can step back once the group has started its first meetings."),
            code="wrong_state",
        )
    # Active first: a person may have an older, ended initiator row in the group.
    initiator_rows = Membership.objects.select_for_update().filter(
        group=locked, user=user, role=Membership.Role.INITIATOR
    )
    membership = initiator_rows.filter(status=Membership.Status.ACTIVE).first()
    if membership is None:
        if initiator_rows.exists():
            raise DomainError(
                gettext("You have already stepped back from this group."), code="no_change"
            )
        raise DomainError(gettext("Only the group's initiators can step back."), code="forbidden")
    still_guiding = (
        Membership.objects.active()
        .filter(group=locked, role=Membership.Role.INITIATOR)
        .exclude(pk=membership.pk)
        .exists()
    )
    blockers = [] if still_guiding else step_back_blockers(group=locked)
    if blockers and not leaving_platform:
        raise DomainError(
            " ".join([gettext("The group is not ready to run itself yet."), *blockers]),
            code="not_ready",
        )
    membership.status = Membership.Status.STEPPED_BACK
    membership.ended_at = timezone.now()
    membership.save(update_fields=["status", "ended_at"])
    audit(actor=None, event=Event.GROUP_INITIATOR_STEPPED_BACK, target=locked)
    if not still_guiding and not blockers:
        _apply(locked, TRANSITIONS["become_self_run"], user)
    return locked
