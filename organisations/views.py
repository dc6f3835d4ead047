from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.http import AuthenticatedHttpRequest
from core.permissions import is_staff_user

from . import selectors


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
            "contact_points": selectors.contact_points_for_user(user=request.user),
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
            "groups": selectors.contact_point_groups(contact_point=contact_point),
        },
    )
