"""The outbox messages about joining: a join request to decide, a free seat, and
how a request or a seat ended for the person asking.

Registered with ``notifications.registry`` (this module is discovered at
start-up). Subjects are neutral; a join request never goes by SMS. What the
person asking is told never gives a reason: a request that was declined and
one nobody answered in time read the same, kindly, with other ways to a group.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from groups.models import Group, Membership
from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import Rendered
from notifications.render import email, param

from .models import JoinRequest, WaitingListEntry


def other_ways(group: Group) -> dict[str, str]:
    """Where else to look, for a message body: groups nearby, digital groups, the interest list.

    Links name a place at most, never the theme.
    """
    finder = settings.SITE_URL + reverse("groups:list")
    nearby = f"{finder}?{urlencode({'q': group.kommune.name})}" if group.kommune else ""
    contact_point = group.contact_point
    return {
        "nearby_url": nearby,
        "digital_url": f"{finder}?{urlencode({'format': Group.Format.DIGITAL})}",
        "interest_url": settings.SITE_URL + reverse("interest:register"),
        "contact_point": contact_point.name,
        "contact_phone": contact_point.public_phone,
        "contact_email": contact_point.public_email,
    }


@registry.register("join_request")
def render_join_request(message: OutgoingMessage) -> Rendered | None:
    """To whoever decides alone on a join request: the initiators, or (open admission)
    any member. Where every member must agree, ``decisions`` asks them instead."""
    join_request = (
        JoinRequest.objects.select_related("group")
        .filter(pk=param(message, "join_request"), status=JoinRequest.Status.PENDING)
        .first()
    )
    if join_request is None:
        return None
    # In the body only (e-mail): the subject stays neutral, and no SMS carries it.
    url = settings.SITE_URL + join_request.group.inside_url("joining:group_requests")
    return email(
        subject=_("Selvhjelp: someone asks to join a group"),
        template="join_request",
        context={
            "by_initiators": join_request.decider == JoinRequest.Decider.INITIATOR,
            "full_url": url,
            "user": message.recipient,
        },
    )


@registry.register("seat_offer")
def render_seat_offer(message: OutgoingMessage) -> Rendered | None:
    entry = (
        WaitingListEntry.objects.select_related("group")
        .filter(pk=param(message, "entry"), status=WaitingListEntry.Status.OFFERED)
        .first()
    )
    if entry is None:
        return None
    from .services import decider_for

    subject = _("Selvhjelp: a seat is free for you")
    url = reverse("joining:mine")
    return email(
        subject=subject,
        template="seat_offer",
        context={
            "user": message.recipient,
            "entry": entry,
            "consent": decider_for(entry.group) == JoinRequest.Decider.ALL_MEMBERS,
            "url": url,
            "full_url": settings.SITE_URL + url,
        },
        sms=f"{subject}\n{settings.SITE_URL}{url}",
    )


@registry.register("join_welcome")
def render_join_welcome(message: OutgoingMessage) -> Rendered | None:
    """To the new member: the request or the seat was agreed, welcome."""
    membership = Membership.objects.filter(
        pk=param(message, "membership"), status=Membership.Status.ACTIVE
    ).first()
    if membership is None:
        return None
    url = reverse("groups:mine")
    return email(
        subject=_("Selvhjelp: welcome to the group"),
        template="join_welcome",
        context={"user": message.recipient, "url": url, "full_url": settings.SITE_URL + url},
    )


@registry.register("join_not_this_time")
def render_join_not_this_time(message: OutgoingMessage) -> Rendered | None:
    """To the person asking: the request was not accepted, or not answered in time."""
    join_request = (
        JoinRequest.objects.select_related("group__kommune", "group__contact_point")
        .filter(
            pk=param(message, "join_request"),
            status__in=[JoinRequest.Status.DECLINED, JoinRequest.Status.EXPIRED],
        )
        .first()
    )
    if join_request is None:
        return None
    url = reverse("joining:mine")
    return email(
        subject=_("Selvhjelp: about your request to join a group"),
        template="join_not_this_time",
        context={
            "user": message.recipient,
            "url": url,
            "full_url": settings.SITE_URL + url,
            **other_ways(join_request.group),
        },
    )


@registry.register("seat_lapsed")
def render_seat_lapsed(message: OutgoingMessage) -> Rendered | None:
    """To the person on the waiting list: the seat is no longer held for them."""
    entry = (
        WaitingListEntry.objects.select_related("group__kommune", "group__contact_point")
        .filter(pk=param(message, "entry"), status=WaitingListEntry.Status.EXPIRED)
        .first()
    )
    if entry is None:
        return None
    url = reverse("joining:mine")
    return email(
        subject=_("Selvhjelp: about the seat on the waiting list"),
        template="seat_lapsed",
        context={
            "user": message.recipient,
            "url": url,
            "full_url": settings.SITE_URL + url,
            **other_ways(entry.group),
        },
    )
