"""Pages of the interest list: one's own registrations, and staff counts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.ratelimit import rate_limit
from core.services import DomainError
from groups.models import Group, GroupInvitation, Membership, Theme
from organisations.models import ContactPoint
from places.models import Kommune

from . import selectors, services
from .forms import RegistrationForm, StartGroupForm
from .models import InterestRegistration, QuorumAlert
from .selectors import InterestFilter


@login_required
@require_GET
def my_registrations(request: AuthenticatedHttpRequest) -> HttpResponse:
    registrations = (
        InterestRegistration.objects.filter(user=request.user)
        .active()
        .select_related("theme", "kommune", "invited_to")
    )
    invitations = GroupInvitation.objects.filter(
        user=request.user, status=GroupInvitation.Status.PENDING
    ).select_related("group__kommune")
    return render(
        request,
        "interest/my_registrations.html",
        {"registrations": registrations, "invitations": invitations},
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("interest")
def register(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {}
    theme = Theme.objects.filter(slug=request.GET.get("theme", "")).first()
    if theme is not None:  # coming from a group's page: that group's theme
        initial["theme"] = theme.pk
    form = RegistrationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.interest_register(
                user=request.user,
                theme=data["theme"],
                format=data["format"],
                kommune=data["kommune"],
                radius_km=data["radius_km"],
                contact_by=data["contact_by"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("You are on the interest list."))
            return redirect("interest:mine")
    return render(request, "interest/register.html", {"form": form})


@login_required
@require_POST
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(InterestRegistration, pk=pk, user=request.user)
    services.interest_withdraw(registration=registration, user=request.user)
    messages.success(request, _("You are no longer on this interest list."))
    return redirect("interest:mine")


@login_required
@require_POST
def invitation_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(GroupInvitation, pk=pk, user=request.user)
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            services.interest_invitation_accept(invitation=invitation, user=request.user)
            messages.success(request, _("Welcome! You are now a member of the group."))
            return redirect("groups:mine")
        if answer == "decline":
            services.interest_invitation_decline(invitation=invitation, user=request.user)
            messages.success(request, _("You said no thanks. You are still on the interest list."))
        else:
            messages.error(request, _("Choose whether to accept or decline."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("interest:mine")


# --- Staff ---------------------------------------------------------------------


def _contact_point_for_staff(request: AuthenticatedHttpRequest, slug: str) -> ContactPoint:
    """404 unless the user is contact-point staff at this contact point."""
    return get_object_or_404(selectors.staff_contact_points(user=request.user), slug=slug)


@login_required
@require_GET
def staff_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    contact_points = list(selectors.staff_contact_points(user=request.user))
    if not contact_points:
        raise Http404
    if len(contact_points) == 1:
        return redirect("interest_staff:overview", slug=contact_points[0].slug)
    return render(request, "interest/staff_home.html", {"contact_points": contact_points})


@login_required
@require_GET
def staff_overview(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contact_point = _contact_point_for_staff(request, slug)
    counts = selectors.waiting_counts(contact_point=contact_point)
    alerts = QuorumAlert.objects.filter(contact_point=contact_point).select_related(
        "theme", "kommune"
    )[:50]
    return render(
        request,
        "interest/staff_overview.html",
        {
            "contact_point": contact_point,
            "in_person": counts["in_person"],
            "digital": counts["digital"],
            "alerts": alerts,
            "quorum": services.quorum(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_start_group(
    request: AuthenticatedHttpRequest, slug: str, theme: str, format: str
) -> HttpResponse:
    contact_point = _contact_point_for_staff(request, slug)
    theme_obj = get_object_or_404(Theme, slug=theme)
    if format not in InterestRegistration.Format.values:
        raise Http404
    kommune = None
    if format == InterestRegistration.Format.IN_PERSON:
        kommune = get_object_or_404(Kommune, number=request.GET.get("kommune", ""))
    alert = None
    if request.GET.get("alert"):
        alert = get_object_or_404(
            QuorumAlert,
            pk=request.GET["alert"] if request.GET["alert"].isdigit() else 0,
            contact_point=contact_point,
            theme=theme_obj,
            format=format,
        )
    filter = (
        InterestFilter.from_alert(alert)
        if alert
        else InterestFilter(theme=theme_obj, format=format, kommune=kommune)
    )
    count = len(selectors.matching_registrations(filter=filter))
    groups = Group.objects.filter(
        contact_point=contact_point, state=Group.State.FORMING, theme=theme_obj, format=format
    )
    form = StartGroupForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = data["group"] or services.interest_group_create_forming(
                contact_point_staff_user=request.user,
                contact_point=contact_point,
                theme=theme_obj,
                format=format,
                kommune=kommune,
                name=data["name"],
                weekday=data["weekday"],
                start_time=data["start_time"],
            )
            invitations = services.interest_start_group(
                contact_point_staff_user=request.user,
                alert_or_filter=alert or filter,
                group=group,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(count)d people were invited to %(group)s.")
                % {"count": len(invitations), "group": group.name},
            )
            initiators = Membership.objects.active().filter(
                group=group, role=Membership.Role.INITIATOR
            )
            if not initiators.exists():
                # No dead end: the first meetings cannot start without an initiator.
                messages.info(
                    request,
                    _("The group has no initiator yet: take the role yourself or invite one."),
                )
                return redirect("staff:group_initiators", slug=group.slug)
            return redirect("interest_staff:overview", slug=contact_point.slug)
    return render(
        request,
        "interest/staff_start_group.html",
        {
            "contact_point": contact_point,
            "theme": theme_obj,
            "format_label": InterestRegistration.Format(format).label,
            "kommune": kommune,
            "count": count,
            "form": form,
        },
    )
