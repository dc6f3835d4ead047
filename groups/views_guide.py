"""The initiators' guide to the first meetings, with the checklist they share."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.services import DomainError

from . import services
from .forms import ChecklistTickForm
from .gate import group_inside
from .models import Group, Membership, StartChecklistTick
from .starting_guide import ITEM_KEYS, MEETINGS


def _initiator_only(group: Group, membership: Membership) -> None:
    """Initiators, and only they, see the guide: members get 404 as for any hidden page."""
    if membership.role != Membership.Role.INITIATOR or group.state not in Group.State.GUIDED:
        raise Http404


@login_required
@require_GET
@group_inside
def starting_guide(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    _initiator_only(group, membership)
    ticks = {
        tick.item: tick
        for tick in StartChecklistTick.objects.filter(group=group).select_related("ticked_by__user")
    }
    total = sum(len(meeting.items) for meeting in MEETINGS)
    return render(
        request,
        "groups/starting_guide.html",
        {
            "group": group,
            "membership": membership,
            "meetings": [
                (meeting, [(item, ticks.get(item.key)) for item in meeting.items])
                for meeting in MEETINGS
            ],
            "done": len(ticks),
            "total": total,
        },
    )


@login_required
@require_POST
@group_inside
def starting_guide_tick(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    _initiator_only(group, membership)
    form = ChecklistTickForm(request.POST)
    anchor = ""
    if form.is_valid():
        anchor = f"#{form.cleaned_data['item']}" if form.cleaned_data["item"] in ITEM_KEYS else ""
        try:
            services.start_checklist_tick(
                group=group,
                membership=membership,
                item=form.cleaned_data["item"],
                ticked=form.cleaned_data["ticked"],
            )
        except DomainError as error:
            messages.error(request, error.message)
    return redirect(group.inside_url("groups:starting_guide") + anchor)
