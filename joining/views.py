"""Pages for joining and leaving: thin views around ``joining.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.ratelimit import rate_limit
from core.services import DomainError
from groups.gate import group_inside
from groups.models import Group, Membership

from . import after_leaving, selectors, services
from .forms import AnswerForm, JoinRequestForm
from .models import JoinRequest, WaitingListEntry


def _public_group(slug: str) -> Group:
    """Drafts and ended groups take no requests, whoever asks: 404."""
    return get_object_or_404(Group.objects.public().select_related("theme"), slug=slug)


@login_required
@require_GET
def my_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "joining/my_requests.html",
        {
            "join_requests": selectors.join_requests_for_user(user=request.user),
            "waiting": selectors.waiting_list_for_user(user=request.user),
            "lapsed_seats": selectors.lapsed_seats_for_user(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("join_request")
def join_request_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _public_group(slug)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_create(
                group=group, user=request.user, message=form.cleaned_data["message"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your request is sent. You can follow it on this page."))
            return redirect("joining:mine")
    return render(request, "joining/join_request_form.html", {"group": group, "form": form})


@login_required
@require_POST
def join_request_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    join_request = get_object_or_404(JoinRequest, pk=pk, user=request.user)
    try:
        services.join_request_withdraw(join_request=join_request, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("joining:mine")


@login_required
@require_POST
@rate_limit("join_request")
def waiting_list_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _public_group(slug)
    try:
        services.waiting_list_join(group=group, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(group)
    messages.success(request, _("You are on the waiting list. We e-mail you when a seat is free."))
    return redirect("joining:mine")


@login_required
@require_POST
def waiting_list_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitingListEntry, pk=pk, user=request.user)
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            membership = services.waiting_list_accept(entry=entry, user=request.user)
            if membership is None:
                messages.success(
                    request,
                    _(
                        "Thank you. The group's members are asked now; we tell you how it "
                        "went within a week."
                    ),
                )
                return redirect("joining:mine")
            messages.success(request, _("Welcome! You are now a member of the group."))
            return redirect("groups:mine")
        if answer == "decline":
            services.waiting_list_decline(entry=entry, user=request.user)
            messages.success(request, _("You said no thanks to the seat."))
        elif answer == "leave":
            services.waiting_list_leave(entry=entry, user=request.user)
            messages.success(request, _("You are no longer on the waiting list."))
        else:
            messages.error(request, _("Choose whether to accept or decline."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("joining:mine")


# --- Inside a group -------------------------------------------------------------


@login_required
@require_GET
@group_inside
def group_requests(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    requests = selectors.pending_requests_for_group(group=group)
    answers = selectors.my_answers(membership=membership, requests=requests)
    rows = [
        {
            "request": r,
            "may_answer": services.may_answer(join_request=r, membership=membership),
            "answered": answers.get(r.pk),
        }
        for r in requests
    ]
    return render(
        request,
        "joining/group_requests.html",
        {"group": group, "membership": membership, "rows": rows},
    )


@login_required
@require_POST
@group_inside
def group_request_answer(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    join_request = get_object_or_404(JoinRequest, pk=pk, group=group)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer yes or no."))
    else:
        try:
            result = services.join_request_answer(
                join_request=join_request,
                user=request.user,
                agrees=form.cleaned_data["answer"] == "yes",
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if result.status == JoinRequest.Status.ACCEPTED:
                messages.success(request, _("The new member is welcome in the group."))
            elif result.status == JoinRequest.Status.DECLINED:
                messages.success(request, _("The request is not accepted."))
            else:
                messages.success(request, _("Your answer is recorded."))
    return redirect(group.inside_url("joining:group_requests"))


@login_required
@require_POST
@group_inside(unsigned=True)  # leaving is possible at any time, also before signing
def group_leave(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    try:
        ended = services.membership_leave(group=group, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(group.inside_url("groups:inside"))
    messages.success(request, _("You have left the group. The group is told that you left."))
    return redirect(after_leaving.url_after_leaving(ended) or "groups:mine")
