"""The group's shared practical turns and the meeting guide, seen from inside."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.services import DomainError

from . import rotation
from .gate import group_inside
from .models import Group, Membership


class HostingForm(forms.Form):
    hosts = forms.BooleanField(required=False)


class SwapForm(forms.Form):
    own_turn = forms.IntegerField(min_value=1)
    other_turn = forms.IntegerField(min_value=1)


def _back(group: Group) -> HttpResponse:
    return redirect(group.inside_url("groups:inside"))


@login_required
@require_GET
@group_inside
def meeting_guide(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    return render(request, "groups/meeting_guide.html", {"group": group, "membership": membership})


@login_required
@require_POST
@group_inside
def hosting_toggle(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    """Opt in to or out of hosting, for oneself only."""
    form = HostingForm(request.POST)
    form.is_valid()
    hosts = bool(form.cleaned_data.get("hosts"))
    try:
        rotation.membership_set_hosting(membership=membership, hosts=hosts)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if hosts:
            messages.success(request, _("You take turns as host."))
        else:
            messages.success(request, _("You no longer take turns as host."))
    return _back(group)


@login_required
@require_POST
@group_inside
def host_turn_swap(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    form = SwapForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That swap is not possible."))
        return _back(group)
    try:
        rotation.host_turn_swap(
            actor=request.user,
            own_turn_id=form.cleaned_data["own_turn"],
            other_turn_id=form.cleaned_data["other_turn"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You swapped turns."))
    return _back(group)


@login_required
@require_POST
@group_inside
def contact_person_hand_on(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    try:
        rotation.contact_person_hand_on(group=group, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The contact person task has moved on."))
    return _back(group)
