"""Signing the pledge, the group's own lines and one's own signatures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from core.services import DomainError
from decisions import services as decisions
from decisions.models import Proposal
from groups.gate import group_inside
from groups.models import Group, Membership

from . import selectors, services
from .forms import GroupLinesForm, SignForm

OUTDATED_MESSAGE = gettext_lazy(
    "The pledge was changed while you were reading it. Read the new text below and sign again."
)


@login_required
@require_http_methods(["GET", "POST"])
@group_inside(unsigned=True)
def pledge_sign(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    """The page inside a group an unsigned participant may open (besides leaving it)."""
    pledge = selectors.pledge_current()
    lines = selectors.group_lines_get(group=group)
    revision = lines.revision if lines is not None else 0
    signed = selectors.membership_has_signed_current(membership=membership)
    current = {"pledge_version": pledge.version if pledge else None, "lines_revision": revision}
    form = SignForm(request.POST or None, initial=current)
    shown = (request.POST.get("pledge_version"), request.POST.get("lines_revision"))
    if request.method == "POST" and shown != tuple(str(v) for v in current.values()):
        # The member read an older text: show the new one, whatever else they sent.
        messages.error(request, OUTDATED_MESSAGE)
        form = SignForm(initial=current)
    elif request.method == "POST" and pledge is not None and form.is_valid():
        try:
            services.pledge_sign(
                membership=membership,
                pledge_version=form.cleaned_data["pledge_version"],
                lines_revision=form.cleaned_data["lines_revision"],
                typed_name=form.cleaned_data["typed_name"],
            )
        except DomainError as error:
            if error.code == "outdated":
                # Show the new text with fresh hidden values; the promise is not carried over.
                messages.error(request, error.message)
                form = SignForm(initial=current)
            else:
                form.add_error("typed_name" if error.code == "name" else None, error.message)
        else:
            messages.success(request, _("Thank you. You have signed the confidentiality pledge."))
            return redirect(group.inside_url("groups:inside"))
    return render(
        request,
        "pledges/pledge_sign.html",
        {
            "group": group,
            "membership": membership,
            "pledge": pledge,
            "lines": lines,
            "signed": signed,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@group_inside
def group_lines_edit(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    """The group's own lines: changed by a participant during the start, then proposed.

    A change means everyone signs again.
    """
    lines = selectors.group_lines_get(group=group)
    revision = lines.revision if lines is not None else 0
    propose = group.state in Group.State.RUNS_ITSELF
    form = GroupLinesForm(
        request.POST or None, initial={"text": lines.text if lines else ""}, propose=propose
    )
    if request.method == "POST" and form.is_valid() and propose:
        try:
            decisions.proposal_create(
                group=group,
                user=request.user,
                kind=Proposal.Kind.PLEDGE_LINES,
                note=form.cleaned_data["note"],
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Your proposal is sent to the group. Everyone can now agree or object.")
            )
            return redirect(group.inside_url("groups:inside"))
    elif request.method == "POST" and form.is_valid():
        try:
            updated = services.group_lines_update(
                membership=membership, text=form.cleaned_data["text"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if updated.revision != revision:
                messages.success(
                    request,
                    _("The group's lines were changed. Everyone signs the pledge again, you too."),
                )
                return redirect(group.inside_url("pledges:sign"))
            messages.info(request, _("Nothing was changed."))
            return redirect(group.inside_url("groups:inside"))
    return render(
        request,
        "pledges/group_lines_form.html",
        {"group": group, "membership": membership, "form": form, "propose": propose},
    )


@login_required
@require_GET
def my_signatures(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "pledges/my_signatures.html",
        {"signatures": selectors.signatures_for_user(user=request.user)},
    )
