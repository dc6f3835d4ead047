"""Proposing, answering and withdrawing, inside a group: thin views around ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.services import DomainError
from groups.gate import group_inside
from groups.models import Group, Membership

from . import selectors, services
from .forms import AnswerForm, PlaceForm, ProposeForm
from .models import Proposal

Kind = Proposal.Kind


@login_required
@require_GET
@group_inside
def proposals(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    """The group's open proposals, what one can propose, and what it decided before."""
    return render(
        request,
        "decisions/proposals.html",
        {
            "group": group,
            "membership": membership,
            "open_proposals": selectors.open_proposals(group=group, membership=membership),
            "proposal_choices": selectors.choices(group=group, membership=membership),
            "history": [(p, selectors.outcome_text(p)) for p in selectors.history(group=group)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@group_inside
def propose(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, kind: str
) -> HttpResponse:
    """Propose a change to the group (or, as an initiator before the start is done, make it)."""
    if kind not in selectors.PROPOSED_HERE and kind not in Kind.BY_INITIATORS:
        raise Http404
    if request.method == "GET" and group.state not in Group.State.RUNS_ITSELF:
        # Before the group runs itself there is nothing to propose: the
        # initiators' buttons on the group's page act at once. Ending the
        # group cannot be undone, so that button asks first, on a page.
        if kind == Kind.END and any(
            choice.kind == kind for choice in selectors.choices(group=group, membership=membership)
        ):
            return render(request, "decisions/end_confirm.html", {"group": group})
        return redirect(group.inside_url("groups:inside"))
    form_class = PlaceForm if kind == Kind.PLACE else ProposeForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                group=group,
                user=request.user,
                kind=kind,
                note=form.cleaned_data["note"],
                text=form.cleaned_data.get("place", ""),
            )
        except DomainError as error:
            if request.POST.get("at_once"):
                messages.error(request, error.message)
                return redirect(group.inside_url("groups:inside"))
            form.add_error(None, error.message)
        else:
            if proposal.status == Proposal.Status.PASSED:
                messages.success(request, selectors.outcome_text(proposal))
            else:
                messages.success(
                    request,
                    _("Your proposal is sent to the group. Everyone can now agree or object."),
                )
            return redirect(group.inside_url("groups:inside"))
    return render(
        request,
        "decisions/propose_form.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "kind": kind,
            "title": Kind(kind).label,
            "days": services.decision_days(),
        },
    )


@login_required
@require_POST
@group_inside
def answer(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    proposal = selectors.proposal_get_for_group(group=group, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(group.inside_url("groups:inside"))
    agrees = form.cleaned_data["answer"] == "yes"
    try:
        result = services.proposal_answer(
            proposal=proposal, user=request.user, agrees=agrees, note=form.cleaned_data["note"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if result.status == Proposal.Status.OPEN:
            messages.success(request, _("Your answer is recorded."))
        elif not result.is_consent:
            messages.success(request, selectors.outcome_text(result))
        elif result.status == Proposal.Status.PASSED:
            messages.success(request, _("Everyone said yes: the new member is welcome."))
        else:
            messages.success(request, _("Your answer is recorded."))
    return redirect(group.inside_url("groups:inside"))


@login_required
@require_POST
@group_inside
def withdraw(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    proposal = selectors.proposal_get_for_group(group=group, pk=pk)
    try:
        services.proposal_withdraw(proposal=proposal, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your proposal is withdrawn. The group is told."))
    return redirect(group.inside_url("groups:inside"))
