from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.http import AuthenticatedHttpRequest
from core.permissions import is_staff_user
from groups import services as group_services
from groups.models import Group, Membership, SupportRequest

from . import selectors
from .models import StaffRole

# When a contact point should look at a group again (issue "Leaderless group set-up").
STARTING_TOO_LONG = datetime.timedelta(weeks=12)
FEW_MEMBERS = 3


def _with_flags(groups: Any) -> list[Group]:
    """Groups with ``flags``: reasons for the contact point to get in touch.

    One query whatever the number of groups: the unanswered support request
    is an ``Exists`` annotation, the rest comes from the group row.
    """
    unanswered = SupportRequest.objects.filter(group=OuterRef("pk"), answered_at__isnull=True)
    long_ago = timezone.now() - STARTING_TOO_LONG
    flagged = []
    for group in groups.annotate(unanswered_support=Exists(unanswered)):
        flags = []
        if group.state == Group.State.STARTING and group.state_changed_at < long_ago:
            flags.append(_("Starting for more than 12 weeks"))
        if (
            group.state in (Group.State.STARTING, Group.State.SELF_RUN)
            and group.member_count < FEW_MEMBERS
        ):
            flags.append(_("Fewer than 3 members"))
        if group.unanswered_support:
            flags.append(_("Asks for support"))
        group.flags = flags  # type: ignore[attr-defined]
        flagged.append(group)
    return flagged


@login_required
@require_GET
def staff_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_staff_user(request.user):
        raise Http404
    return render(
        request,
        "organisations/staff_home.html",
        {
            "roles": request.user.staff_roles.select_related("district", "contact_point"),
            "districts": selectors.districts_for_user(user=request.user),
            "national_admin": selectors.is_national_admin(request.user),
            "contact_points": selectors.contact_points_for_user(user=request.user),
            "may_create_groups": group_services.contact_points_for_setup(
                user=request.user
            ).exists(),
            "follows_up": group_services.user_follows_up(user=request.user),
            "initiating": Group.objects.filter(
                memberships__user=request.user,
                memberships__role=Membership.Role.INITIATOR,
                memberships__status=Membership.Status.ACTIVE,
            ).order_by("name"),
        },
    )


@login_required
@require_GET
def district_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    district = selectors.district_get_for_user(slug=slug, user=request.user)
    return render(
        request,
        "organisations/district_detail.html",
        {
            "district": district,
            "contact_points": selectors.district_overview(district=district),
            "fylker": district.fylker.all(),
        },
    )


@login_required
@require_GET
def contact_point_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contact_point = selectors.contact_point_get_for_user(slug=slug, user=request.user)
    return render(
        request,
        "organisations/contactpoint_detail.html",
        {
            "contact_point": contact_point,
            "groups": _with_flags(selectors.contact_point_groups(contact_point=contact_point)),
            # District staff see the list; the group pages are the contact point's.
            "manages_groups": StaffRole.objects.filter(
                user=request.user,
                kind=StaffRole.Kind.CONTACT_POINT_STAFF,
                contact_point=contact_point,
            ).exists(),
        },
    )
