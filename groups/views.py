from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.middleware import PERMISSIONS_POLICY
from core.services import DomainError

from . import finder, inside, lifecycle, selectors, services
from .forms import GroupSearchForm, SupportRequestForm
from .gate import gate_of, group_inside
from .information_meetings import information_meetings_near
from .models import Group, Membership

FINDER_PAGE_SIZE = 20
DIGITAL_PREVIEW = 6
# The finder may ask for the position; every other page forbids it (see
# core.middleware.PERMISSIONS_POLICY).
FINDER_PERMISSIONS_POLICY = PERMISSIONS_POLICY.replace("geolocation=()", "geolocation=(self)")


@csrf_exempt  # a search changes nothing; no CSRF cookie is needed to find a group
@require_http_methods(["GET", "POST"])
def group_list(request: HttpRequest) -> HttpResponse:
    """The public group finder.

    A typed place travels in the query string (a bookmarkable search). A
    position from "near me" is POSTed, so that it never appears in a URL, an
    access log or the browser history; it is used for this response only.
    """
    data = request.POST if request.method == "POST" else request.GET
    form = GroupSearchForm(data)
    context: dict[str, object] = {"form": form, "used_position": False}
    if form.is_valid():
        found = finder.run(
            form, page_size=FINDER_PAGE_SIZE, digital_preview=DIGITAL_PREVIEW, cards=True
        )
        context.update(found)
        # Not groups: shown beside them, labelled as what they are.
        context["information_meetings"] = information_meetings_near(found["result"].query)
        context["used_position"] = form.cleaned_data.get("lat") is not None
    response = render(request, "groups/group_list.html", context)
    response["Permissions-Policy"] = FINDER_PERMISSIONS_POLICY
    if request.method == "POST":
        response["Cache-Control"] = "no-store"
    return response


@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.group_get_public(slug=slug, user=request.user)
    membership = selectors.membership_get_active(user=request.user, group=group)
    return render(request, "groups/group_detail.html", {"group": group, "membership": membership})


def _group_by_slug(url_kwargs: dict[str, object]) -> dict[str, object]:
    return {"slug": url_kwargs.pop("slug")}


@group_inside(unsigned=True, group_from=_group_by_slug)
def inside_old_address(
    request: HttpRequest, group: Group, membership: Membership, rest: str = ""
) -> HttpResponse:
    """An inside address from before they named the group by token: members go on to
    the new one (the target's own gate applies the pledge), anyone else gets 404.

    Only to a page inside the group: a ``rest`` that names none answers 404 too.
    """
    target = group.inside_url() + rest
    try:
        match = resolve(target)
    except Resolver404:
        raise Http404 from None
    if gate_of(match.func) is None or match.kwargs.get("token") != group.inside_token:
        raise Http404
    query = request.META.get("QUERY_STRING")
    return redirect(f"{target}?{query}" if query else target)


@login_required
@require_GET
@group_inside
def group_inside_page(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    """The group's own page; the meetings and the signatures on it come from their apps."""
    members = group.memberships.active().select_related("user").order_by("joined_at")
    may_step_back = (
        membership.role == Membership.Role.INITIATOR and group.state == Group.State.STARTING
    )
    other_initiators = may_step_back and any(
        m.role == Membership.Role.INITIATOR and m.pk != membership.pk for m in members
    )
    return render(
        request,
        "groups/group_inside.html",
        {
            "group": group,
            "membership": membership,
            "members": members,
            "may_step_back": may_step_back,
            "other_initiators": other_initiators,
            # The last initiator learns before pressing why the group is not ready.
            "step_back_blockers": lifecycle.step_back_blockers(group=group)
            if may_step_back and not other_initiators
            else [],
            "stepped_back": _stepped_back_initiators(group),
            **inside.parts_context(group=group, membership=membership),
        },
    )


def _stepped_back_initiators(group: Group) -> list[Membership]:
    """The group's follow-up contacts besides its contact point."""
    return list(
        group.memberships.filter(
            role=Membership.Role.INITIATOR, status=Membership.Status.STEPPED_BACK
        )
        .select_related("user")
        .order_by("ended_at")
    )


def do_transition(request: AuthenticatedHttpRequest, group: Group, action: str) -> None:
    """Take a lifecycle transition and tell the user how it went."""
    try:
        lifecycle.group_transition(group=group, action=action, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return
    messages.success(request, lifecycle.TRANSITIONS[action].done)


@login_required
@require_POST
@group_inside
def group_step_back(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    """An initiator steps out of the group; afterwards the inside is closed to them."""
    try:
        lifecycle.initiator_step_back(group=group, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(group.inside_url("groups:inside"))
    messages.success(
        request,
        _("You have stepped back. The group can still reach you as a follow-up contact."),
    )
    return redirect("groups:mine")


@login_required
@require_http_methods(["GET", "POST"])
@group_inside
def group_support_request(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    """ "We need support": a member writes to the group's follow-up contacts."""
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.support_request_create(
                group=group, author=request.user, message=form.cleaned_data["message"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your request was sent to the follow-up contacts."))
            return redirect(group.inside_url("groups:inside"))
    return render(
        request,
        "groups/support_request_form.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "earlier": group.support_requests.all()[:10],
        },
    )


@login_required
@require_GET
def my_groups(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "groups/my_groups.html",
        {"memberships": selectors.groups_for_user(user=request.user)},
    )
