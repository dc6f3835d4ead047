from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.http import AuthenticatedHttpRequest

from . import selectors


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.groups_public_list(), 25)
    page = paginator.get_page(request.GET.get("side"))
    return render(request, "groups/group_list.html", {"page": page})


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
