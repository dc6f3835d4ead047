"""Writes about setting up groups, their initiators, and asking for support.

Lifecycle transitions (publish, start, step back, pause …) live in
``groups.lifecycle``; this module creates and edits groups, gives a group its
initiators (contact-point staff taking the role themselves, an invited
volunteer, a co-initiator, a hand-over), keeps the initiators' shared
checklist, and handles the support requests a group sends its follow-up
contacts.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.models import AuditEvent
from core.services import DomainError, audit
from organisations import invitations
from organisations.models import ContactPoint, StaffInvitation, StaffRole

from .models import Group, InitiatorInvitation, Membership, StartChecklistTick, SupportRequest
from .signals import SCHEDULE_FIELDS, announce_schedule_change
from .starting_guide import ITEM_KEYS

# Fields a creator may set through ``group_create`` / ``group_update``.
EDITABLE_FIELDS = (
    "theme",
    "name",
    "description",
    "format",
    "kommune",
    "area",
    "place",
    "meeting_url",
    "weekday",
    "start_time",
    "duration_minutes",
    "cadence",
    "capacity",
    "language",
    "age_min",
    "age_max",
    "two_initiators",
)
SLUG_MAX = 70
SETUP_ROLE_KINDS = (StaffRole.Kind.CONTACT_POINT_STAFF, StaffRole.Kind.INITIATOR)


def contact_points_for_setup(*, user: Any) -> QuerySet[ContactPoint]:
    """Contact points where ``user`` may start groups (staff or volunteer initiator)."""
    if not user.is_authenticated:
        return ContactPoint.objects.none()
    return ContactPoint.objects.filter(
        is_active=True,
        staff_roles__user=user,
        staff_roles__kind__in=SETUP_ROLE_KINDS,
    ).distinct()


def _unique_slug(name: str, place: str) -> str:
    base = slugify(f"{name} {place}")[:SLUG_MAX].strip("-") or "gruppe"
    slug, n = base, 2
    while Group.objects.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug = base[: SLUG_MAX - len(suffix)] + suffix
        n += 1
    return slug


def _apply_data(group: Group, data: dict[str, Any]) -> None:
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(group, name, data[name])
    if group.format == Group.Format.DIGITAL:
        # A digital group has no meeting area; the finder lists it apart.
        group.kommune = None
        group.area = ""
        group.place = ""
        group.latitude = group.longitude = None
        return
    if group.kommune is None:
        raise DomainError(_("A group that meets in person needs a municipality."), code="invalid")
    if group.kommune.latitude is None or group.kommune.longitude is None:
        raise DomainError(
            _("We have no map point for this municipality yet. Ask the district office."),
            code="invalid",
        )
    group.meeting_url = ""
    group.latitude = group.kommune.latitude
    group.longitude = group.kommune.longitude


def _validate(group: Group) -> None:
    try:
        group.full_clean(exclude=["slug"])
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="invalid") from error


@transaction.atomic
def group_create(*, creator: Any, contact_point: ContactPoint, data: dict[str, Any]) -> Group:
    """Create a draft group at ``contact_point``.

    ``creator`` must be contact-point staff or a volunteer initiator there,
    and becomes the group's first initiator: whoever starts a group guides its
    first meetings and later steps back (an employee of a contact point may be
    the initiator, as a volunteer may). The meeting area's point is the
    kommune's, never a more exact one.
    """
    roles = set(
        StaffRole.objects.filter(
            user=creator, contact_point=contact_point, kind__in=SETUP_ROLE_KINDS
        ).values_list("kind", flat=True)
    )
    if not roles or not contact_point.is_active:
        raise DomainError(_("You cannot start groups for this contact point."), code="forbidden")
    group = Group(contact_point=contact_point, created_by=creator, state=Group.State.DRAFT)
    _apply_data(group, data)
    place = group.kommune.name if group.kommune is not None else "digital"
    group.slug = _unique_slug(group.name, place)
    _validate(group)
    group.save()
    Membership.objects.create(group=group, user=creator, role=Membership.Role.INITIATOR)
    audit(
        actor=None,
        event=AuditEvent.Event.GROUP_CREATED,
        target=group,
        data={"contact_point": contact_point.pk},
    )
    return group


@transaction.atomic
def group_update(*, group: Group, actor: Any, data: dict[str, Any]) -> Group:
    """Change a draft or forming group's set-up. The slug stays, so links keep working."""
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if locked.state not in Group.State.BEFORE_START:
        raise DomainError(
            _("A group's set-up can be changed until its first meetings start."),
            code="wrong_state",
        )
    before = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
    _apply_data(locked, data)
    if locked.member_count > locked.capacity:
        raise DomainError(_("The group already has more members than that."), code="invalid")
    _validate(locked)
    locked.save()
    changed = sorted(name for name in EDITABLE_FIELDS if getattr(locked, name) != before[name])
    # Field names only: the values may be group-internal (the place).
    audit(actor=None, event=AuditEvent.Event.GROUP_UPDATED, target=locked, data={"fields": changed})
    if set(changed) & set(SCHEDULE_FIELDS):
        announce_schedule_change(group=locked)
    return locked


def user_may_set_up(*, user: Any, group: Group) -> bool:
    """Contact-point staff of the group's contact point, or one of its active initiators."""
    if not user.is_authenticated:
        return False
    return (
        StaffRole.objects.filter(
            user=user,
            kind=StaffRole.Kind.CONTACT_POINT_STAFF,
            contact_point_id=group.contact_point_id,
        ).exists()
        or Membership.objects.active()
        .filter(group=group, user=user, role=Membership.Role.INITIATOR)
        .exists()
    )


# --- Initiators ---------------------------------------------------------------


def _is_contact_point_staff(user: Any, group: Group) -> bool:
    return StaffRole.objects.filter(
        user=user, kind=StaffRole.Kind.CONTACT_POINT_STAFF, contact_point_id=group.contact_point_id
    ).exists()


def _active_initiator(user: Any, group: Group) -> Membership | None:
    return (
        Membership.objects.active()
        .filter(group=group, user=user, role=Membership.Role.INITIATOR)
        .first()
    )


def _lock_guided(group: Group) -> Group:
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if locked.state not in Group.State.GUIDED:
        raise DomainError(
            _("Initiators guide a group while it is forming and starting; this one is past that."),
            code="wrong_state",
        )
    return locked


@transaction.atomic
def initiator_add_self(*, group: Group, user: Any) -> Membership:
    """Contact-point staff take the initiator's role in a group of their contact point."""
    locked = _lock_guided(group)
    if not _is_contact_point_staff(user, locked):
        raise DomainError(_("Only the contact point's staff can do that."), code="forbidden")
    if Membership.objects.active().filter(group=locked, user=user).exists():
        raise DomainError(_("You already take part in this group."), code="duplicate")
    membership = Membership.objects.create(group=locked, user=user, role=Membership.Role.INITIATOR)
    audit(
        actor=None,
        event=AuditEvent.Event.GROUP_INITIATOR_ADDED,
        target=locked,
        data={"membership": membership.pk, "how": "self"},
    )
    return membership


@transaction.atomic
def initiator_invite(
    *, group: Group, inviter: Any, email: str, hand_over: bool = False
) -> InitiatorInvitation:
    """Invite someone by e-mail to guide the group's start (the staff invitation flow).

    The contact point's staff may invite an initiator; an initiator may invite
    a co-initiator (two are recommended), or someone to take over their own
    role (``hand_over``): once that person accepts, the inviter steps out.
    """
    locked = _lock_guided(group)
    own = _active_initiator(inviter, locked)
    if own is None and not _is_contact_point_staff(inviter, locked):
        raise DomainError(
            _("Only the group's initiators and its contact point can invite initiators."),
            code="forbidden",
        )
    if hand_over and own is None:
        raise DomainError(_("Only an initiator can hand the role over."), code="forbidden")
    staff_invitation = invitations.initiator_invitation_create(
        inviter=inviter, email=email, contact_point=locked.contact_point
    )
    invitation = InitiatorInvitation.objects.create(
        group=locked, staff_invitation=staff_invitation, hands_over=own if hand_over else None
    )
    audit(
        actor=None,
        event=AuditEvent.Event.GROUP_INITIATOR_INVITED,
        target=locked,
        data={"invitation": staff_invitation.pk, "hands_over": hand_over},
    )
    return invitation


def initiator_invitation_accepted(staff_invitation: StaffInvitation, user: Any) -> None:
    """The invited person accepted (``organisations.invitations``, in its transaction).

    They become an initiator of the group; one who was asked to take over
    from an initiator releases them. Nothing happens for an invitation that
    names no group.
    """
    link = (
        InitiatorInvitation.objects.select_related("hands_over")
        .filter(staff_invitation=staff_invitation)
        .first()
    )
    if link is None:
        return
    group = _lock_guided(link.group)
    existing = Membership.objects.active().filter(group=group, user=user).first()
    if existing is not None and existing.role != Membership.Role.INITIATOR:
        raise DomainError(
            _("You are a member of this group, so you cannot also be its initiator."),
            code="member",
        )
    membership = existing or Membership.objects.create(
        group=group, user=user, role=Membership.Role.INITIATOR
    )
    if existing is None:
        audit(
            actor=None,
            event=AuditEvent.Event.GROUP_INITIATOR_ADDED,
            target=group,
            data={"membership": membership.pk, "invitation": staff_invitation.pk},
        )
    previous = link.hands_over
    if (
        previous is not None
        and previous.status == Membership.Status.ACTIVE
        and previous != membership
    ):
        previous.status = Membership.Status.LEFT
        previous.ended_at = timezone.now()
        previous.save(update_fields=["status", "ended_at"])
        audit(
            actor=None,
            event=AuditEvent.Event.GROUP_INITIATOR_HANDED_OVER,
            target=group,
            data={"from": previous.pk, "to": membership.pk},
        )


def initiators_overview(*, group: Group) -> dict[str, Any]:
    """Counts for the initiators' page: no names (contact-point staff see it too)."""
    return {
        "active": group.memberships.active().filter(role=Membership.Role.INITIATOR).count(),
        "stepped_back": group.memberships.filter(
            role=Membership.Role.INITIATOR, status=Membership.Status.STEPPED_BACK
        ).count(),
        "pending": list(
            InitiatorInvitation.objects.filter(
                group=group,
                staff_invitation__in=StaffInvitation.objects.pending(),
            )
            .select_related("staff_invitation")
            .order_by("-staff_invitation__created_at")
        ),
    }


@transaction.atomic
def start_checklist_tick(*, group: Group, membership: Membership, item: str, ticked: bool) -> None:
    """An initiator ticks an item of the guide to the first meetings on or off, for all of them."""
    if item not in ITEM_KEYS:
        raise DomainError(_("Unknown item."), code="unknown")
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if (
        not Membership.objects.active()
        .filter(pk=membership.pk, group=locked, role=Membership.Role.INITIATOR)
        .exists()
    ):
        raise DomainError(_("Only the group's initiators use this checklist."), code="forbidden")
    if ticked:
        _tick, created = StartChecklistTick.objects.get_or_create(
            group=locked, item=item, defaults={"ticked_by": membership}
        )
        changed = created
    else:
        changed = StartChecklistTick.objects.filter(group=locked, item=item).delete()[0] > 0
    if changed:
        audit(
            actor=None,
            event=AuditEvent.Event.GROUP_START_CHECKLIST_TICKED,
            target=locked,
            data={"item": item, "ticked": ticked},
        )


# --- Support requests ("vi trenger støtte") -----------------------------------


@transaction.atomic
def support_request_create(*, group: Group, author: Any, message: str) -> SupportRequest:
    """An active member asks the group's follow-up contacts for support.

    The contact point's public e-mail and the initiators who stepped back get
    a neutral notice through the outbox; the message itself stays on the platform.
    """
    from .tasks import send_support_request_notice

    if not Membership.objects.active().filter(group=group, user=author).exists():
        raise DomainError(_("Only the group's members can ask for support."), code="forbidden")
    message = message.strip()
    if not message:
        raise DomainError(_("Write a few words about what you need."), code="invalid")
    support_request = SupportRequest.objects.create(group=group, author=author, message=message)
    audit(actor=None, event=AuditEvent.Event.GROUP_SUPPORT_REQUESTED, target=support_request)
    # Into the outbox in this transaction; sent once it commits.
    send_support_request_notice(support_request.pk)
    return support_request


def support_requests_for_user(*, user: Any) -> QuerySet[SupportRequest]:
    """Requests from groups the user follows up: as contact-point staff, or as an
    initiator who stepped back. Never grants a look inside the group."""
    if not user.is_authenticated:
        return SupportRequest.objects.none()
    is_cp_staff = StaffRole.objects.filter(
        user=user,
        kind=StaffRole.Kind.CONTACT_POINT_STAFF,
        contact_point_id=OuterRef("group__contact_point_id"),
    )
    guided = Membership.objects.filter(
        user=user,
        group_id=OuterRef("group_id"),
        role=Membership.Role.INITIATOR,
        status=Membership.Status.STEPPED_BACK,
    )
    return (
        SupportRequest.objects.filter(Q(Exists(is_cp_staff)) | Q(Exists(guided)))
        .select_related("group__contact_point")
        .order_by("answered_at", "-created_at", "-pk")
    )


def user_follows_up(*, user: Any) -> bool:
    """Whether the support page has anything for ``user`` (else it answers 404)."""
    if not user.is_authenticated:
        return False
    return (
        StaffRole.objects.filter(user=user, kind=StaffRole.Kind.CONTACT_POINT_STAFF).exists()
        or Membership.objects.filter(
            user=user, role=Membership.Role.INITIATOR, status=Membership.Status.STEPPED_BACK
        ).exists()
    )


@transaction.atomic
def support_request_answer(*, support_request: SupportRequest, actor: Any, answer: str) -> None:
    """A follow-up contact answers (or updates the answer to) a support request."""
    locked = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if not support_requests_for_user(user=actor).filter(pk=locked.pk).exists():
        raise DomainError(_("You cannot answer this request."), code="forbidden")
    answer = answer.strip()
    if not answer:
        raise DomainError(_("Write an answer first."), code="invalid")
    locked.answer = answer
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    audit(actor=None, event=AuditEvent.Event.GROUP_SUPPORT_ANSWERED, target=locked)


@transaction.atomic
def group_place_change(*, group: Group, place: str, proposal_id: int | None) -> Group:
    """Change a self-run group's regular meeting place, as its members decided together.

    The place is group-internal: the audit row names the proposal, not the place.
    """
    locked = Group.objects.select_for_update().get(pk=group.pk)
    if locked.is_digital:
        raise DomainError(_("A digital group has no meeting place."), code="invalid")
    place = place.strip()
    if not place:
        raise DomainError(_("Write where the group meets."), code="invalid")
    if len(place) > Group._meta.get_field("place").max_length:  # type: ignore[operator]
        raise DomainError(_("Keep the place to 200 characters or fewer."), code="too_long")
    if place == locked.place:
        raise DomainError(_("The group already meets there."), code="no_change")
    locked.place = place
    locked.save(update_fields=["place"])
    audit(
        actor=None,
        event=AuditEvent.Event.GROUP_PLACE_CHANGED,
        target=locked,
        data={"proposal": proposal_id},
    )
    return locked
