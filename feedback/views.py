"""The three questions for members, and what staff may see of the answers.

The questions live at ``/tilbakemelding/<token>/``: by the group's opaque
token like its inside pages, never its slug, but outside them and their
gate, because a member who has just left answers them too. Someone who has
already answered them in the group (on this membership or an earlier one) is
told so and sent on; anyone else gets 404.
The contact point reads its groups' texts at
``/personale/kontaktpunkt/<slug>/tilbakemeldinger/`` (its own staff only, not
the district office); district offices see the counts at
``/personale/statistikk/tilbakemeldinger/``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from core.services import DomainError
from groups.models import Group
from monitoring.suppression import suppressed, threshold
from organisations.selectors import (
    contact_points_for_user,
    districts_for_user,
    is_national_admin,
)

from . import selectors, services
from .forms import FeedbackForm
from .models import Occasion


@login_required
@require_http_methods(["GET", "POST"])
def feedback_answer(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    group = get_object_or_404(Group, inside_token=token)
    asked = selectors.membership_to_ask(group=group, user=request.user)
    if asked is None:
        # The person who has answered already is told so (their own answer is
        # no secret to them); everyone else learns nothing about the group.
        answered = selectors.membership_answered(group=group, user=request.user)
        if answered is None:
            raise Http404
        messages.error(request, services.ALREADY_ANSWERED)
        return _done(group, answered[1])
    membership, occasion = asked
    done = _done(group, occasion)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST":
        try:
            if "decline" in request.POST:
                services.feedback_decline(membership=membership)
                messages.success(request, _("That is fine. We will not ask again this time."))
                return done
            if form.is_valid():
                services.feedback_answer(membership=membership, **form.cleaned_data)
                thanks = _("Thank you. Your answers are stored without your name.")
                messages.success(request, thanks)
                return done
        except DomainError as error:
            messages.error(request, error.message)
            return done
    return render(
        request,
        "feedback/answer_form.html",
        {"group": group, "form": form, "leaving": occasion == Occasion.LEAVING},
    )


def _done(group: Group, occasion: str) -> HttpResponse:
    """Where the questions lead on: the group for a member, their groups for one who left."""
    if occasion == Occasion.FIFTH_MEETING:
        return redirect(group.inside_url())
    return redirect("groups:mine")


@login_required
@require_GET
def contact_point_feedback(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contact_point = get_object_or_404(contact_points_for_user(user=request.user), slug=slug)
    rows = selectors.group_feedback(
        groups=Group.objects.filter(contact_point=contact_point), with_texts=True
    )
    return render(
        request,
        "feedback/contact_point.html",
        {
            "contact_point": contact_point,
            "rows": rows,
            "threshold": threshold(),
            "suppressed": suppressed(),
        },
    )


@login_required
@require_GET
def district_feedback(request: AuthenticatedHttpRequest) -> HttpResponse:
    if is_national_admin(request.user):
        groups = Group.objects.all()
    else:
        districts = districts_for_user(user=request.user)
        if not districts.exists():
            raise Http404
        groups = Group.objects.filter(contact_point__kommune__fylke__district__in=districts)
    return render(
        request,
        "feedback/district.html",
        {
            "rows": selectors.group_feedback(groups=groups, with_texts=False),
            "totals": selectors.district_totals(groups=groups),
            "threshold": threshold(),
            "suppressed": suppressed(),
        },
    )
