from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from core.http import AuthenticatedHttpRequest
from core.middleware import PERMISSIONS_POLICY

from . import finder, selectors
from .forms import GroupSearchForm

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
        context.update(
            finder.run(form, page_size=FINDER_PAGE_SIZE, digital_preview=DIGITAL_PREVIEW)
        )
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


@login_required
@require_GET
def group_inside(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, membership = selectors.group_get_internal(slug=slug, user=request.user)
    members = group.memberships.active().select_related("user").order_by("joined_at")
    return render(
        request,
        "groups/group_inside.html",
        {"group": group, "membership": membership, "members": members},
    )


@login_required
@require_GET
def my_groups(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "groups/my_groups.html",
        {"memberships": selectors.groups_for_user(user=request.user)},
    )
