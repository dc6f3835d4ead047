"""The staff area (``/personale/``): its front page, the district and contact
point overviews of groups, setting up groups and answering their support requests.

Groups are what staff follow up, so these pages live with the groups; the
offices and roles they are scoped by come from ``organisations``. Hidden
pages answer 404. Each page shows groups and counts, never who is in them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.permissions import is_staff_user
from core.services import DomainError
from organisations import selectors as organisation_selectors
from organisations.models import StaffRole

from . import follow_up, lifecycle, selectors, services
from .forms import GroupForm, InitiatorInviteForm, SupportAnswerForm
from .models import Group, Membership, SupportRequest
from .views import do_transition


def _with_flags(groups: Any) -> list[Group]:
    """Groups with ``flags``: reasons for the contact point to get in touch.

    One query whatever the number of groups: the unanswered support request
    and the initiators are ``Exists`` annotations, the rest comes from the
    group row. The rules are ``follow_up``'s, shared with the statistics.
    """
    unanswered = SupportRequest.objects.filter(group=OuterRef("pk"), answered_at__isnull=True)
    now = timezone.now()
    flagged: list[Group] = []
    annotated: Any = follow_up.with_initiator_flag(groups).annotate(
        unanswered_support=Exists(unanswered)
    )
    for group in annotated:
        flags = follow_up.reasons(
            state=group.state,
            state_changed_at=group.state_changed_at,
            member_count=group.member_count,
            has_initiator=group.has_initiator,
            now=now,
        )
        if group.unanswered_support:
            flags.append(_("Asks for support"))
        group.flags = flags  # type: ignore[attr-defined]
        flagged.append(group)
    return flagged


@login_required
@require_GET
def staff_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not is_staff_user(request.user):
        raise Http404
    return render(
        request,
        "groups/staff_home.html",
        {
            "roles": request.user.staff_roles.select_related("district", "contact_point"),
            "districts": organisation_selectors.districts_for_user(user=request.user),
            "national_admin": organisation_selectors.is_national_admin(request.user),
            "contact_points": organisation_selectors.contact_points_for_user(user=request.user),
            "may_create_groups": services.contact_points_for_setup(user=request.user).exists(),
            "follows_up": services.user_follows_up(user=request.user),
            "initiating": Group.objects.filter(
                memberships__user=request.user,
                memberships__role=Membership.Role.INITIATOR,
                memberships__status=Membership.Status.ACTIVE,
            ).order_by("name"),
        },
    )


@login_required
@require_GET
def district_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    district = organisation_selectors.district_get_for_user(slug=slug, user=request.user)
    return render(
        request,
        "groups/district_detail.html",
        {
            "district": district,
            "contact_points": selectors.district_overview(district=district),
            "fylker": district.fylker.all(),
        },
    )


@login_required
@require_GET
def contact_point_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contact_point = organisation_selectors.contact_point_get_for_user(slug=slug, user=request.user)
    return render(
        request,
        "groups/contactpoint_detail.html",
        {
            "contact_point": contact_point,
            "groups": _with_flags(selectors.contact_point_groups(contact_point=contact_point)),
            # District staff see the list; the group pages are the contact point's.
            "manages_groups": StaffRole.objects.filter(
                user=request.user,
                kind=StaffRole.Kind.CONTACT_POINT_STAFF,
                contact_point=contact_point,
            ).exists(),
        },
    )


# --- Setting up groups and following them up -----------------------------------


def _setup_group_or_404(*, slug: str, user: object) -> Group:
    """The group, for contact-point staff of its contact point and its active initiators."""
    group = get_object_or_404(
        Group.objects.select_related("theme", "kommune", "contact_point"), slug=slug
    )
    if not services.user_may_set_up(user=user, group=group):
        raise Http404
    return group


def _show_warnings(request: HttpRequest, form: GroupForm) -> None:
    for note in form.warnings():
        messages.warning(request, note)


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A volunteer initiator or contact-point staff sets up a new group (a draft)."""
    contact_points = list(services.contact_points_for_setup(user=request.user))
    if not contact_points:
        raise Http404
    form = GroupForm(
        request.POST or None,
        contact_points=services.contact_points_for_setup(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        contact_point = form.cleaned_data.get("contact_point") or contact_points[0]
        try:
            group = services.group_create(
                creator=request.user, contact_point=contact_point, data=form.service_data()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            _show_warnings(request, form)
            messages.success(request, _("The group was saved as a draft."))
            return redirect("staff:group_staff_detail", slug=group.slug)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _setup_group_or_404(slug=slug, user=request.user)
    if group.state not in Group.State.BEFORE_START:
        messages.error(
            request, _("A group's set-up can be changed until its first meetings start.")
        )
        return redirect("staff:group_staff_detail", slug=group.slug)
    reveal = lifecycle.active_initiator(user=request.user, group=group) is not None
    form = GroupForm(request.POST or None, instance=group, reveal_internal=reveal)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, actor=request.user, data=form.service_data())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            _show_warnings(request, form)
            messages.success(request, _("The changes were saved."))
            return redirect("staff:group_staff_detail", slug=group.slug)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@login_required
@require_GET
def group_staff_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The group seen by those who start it: public facts, counts, state, buttons."""
    group = _setup_group_or_404(slug=slug, user=request.user)
    initiators = group.memberships.filter(role=Membership.Role.INITIATOR)
    return render(
        request,
        "groups/group_staff_detail.html",
        {
            "group": group,
            "actions": lifecycle.allowed_actions(user=request.user, group=group),
            "editable": group.state in Group.State.BEFORE_START,
            "active_initiators": initiators.filter(status=Membership.Status.ACTIVE).count(),
            "stepped_back_initiators": initiators.filter(
                status=Membership.Status.STEPPED_BACK
            ).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_initiators(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Who guides the start: take the role yourself, invite an initiator or a co-initiator,
    or hand your own role over. For the contact point's staff and the group's initiators."""
    group = _setup_group_or_404(slug=slug, user=request.user)
    own = lifecycle.active_initiator(user=request.user, group=group)
    form = InitiatorInviteForm(request.POST or None, may_hand_over=own is not None)
    if request.method == "POST" and form.is_valid():
        try:
            services.initiator_invite(
                group=group,
                inviter=request.user,
                email=form.cleaned_data["email"],
                hand_over=form.cleaned_data.get("purpose") == "hand_over",
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The invitation has been sent."))
            return redirect("staff:group_initiators", slug=group.slug)
    return render(
        request,
        "groups/group_initiators.html",
        {
            "group": group,
            "form": form,
            "is_initiator": own is not None,
            "is_contact_point_staff": selectors.user_runs_group(user=request.user, group=group),
            "guided": group.state in Group.State.GUIDED,
            **services.initiators_overview(group=group),
        },
    )


@login_required
@require_POST
def group_initiator_self(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Contact-point staff become the group's initiator themselves."""
    group = _setup_group_or_404(slug=slug, user=request.user)
    try:
        services.initiator_add_self(group=group, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("You are now an initiator of the group: you see it from inside.")
        )
    return redirect("staff:group_initiators", slug=group.slug)


@login_required
@require_POST
def group_staff_action(request: AuthenticatedHttpRequest, slug: str, action: str) -> HttpResponse:
    group = _setup_group_or_404(slug=slug, user=request.user)
    do_transition(request, group, action)
    return redirect("staff:group_staff_detail", slug=group.slug)


@login_required
@require_GET
def support_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Support requests from the groups the user follows up (never the inside)."""
    if not services.user_follows_up(user=request.user):
        raise Http404
    support_list = list(services.support_requests_for_user(user=request.user))
    for support_request in support_list:
        # One form per request, each with its own field ids.
        support_request.answer_form = SupportAnswerForm(  # type: ignore[attr-defined]
            prefix=f"sr{support_request.pk}", initial={"answer": support_request.answer}
        )
    return render(request, "groups/support_requests.html", {"support_requests": support_list})


@login_required
@require_POST
def support_request_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    support_request = get_object_or_404(
        services.support_requests_for_user(user=request.user), pk=pk
    )
    form = SupportAnswerForm(request.POST, prefix=f"sr{support_request.pk}")
    if not form.is_valid():
        messages.error(request, _("Write an answer first."))
        return redirect("staff:support_requests")
    try:
        services.support_request_answer(
            support_request=support_request,
            actor=request.user,
            answer=form.cleaned_data["answer"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your answer was saved. The group sees it on its page."))
    return redirect("staff:support_requests")
