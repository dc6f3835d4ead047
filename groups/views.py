from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import AuthenticatedHttpRequest
from core.middleware import PERMISSIONS_POLICY
from core.services import DomainError
from meetings import selectors as meeting_selectors
from pledges.gate import pledge_gate
from pledges.selectors import signed_membership_ids

from . import finder, lifecycle, nudge, selectors, services
from .forms import GroupForm, GroupSearchForm, SupportAnswerForm, SupportRequestForm
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
@pledge_gate
def group_inside(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group, membership = selectors.group_get_internal(slug=slug, user=request.user)
    members = group.memberships.active().select_related("user").order_by("joined_at")
    signed = signed_membership_ids(group=group)
    return render(
        request,
        "groups/group_inside.html",
        {
            "group": group,
            "membership": membership,
            "members": members,
            "signed": signed,
            "actions": lifecycle.allowed_actions(user=request.user, group=group),
            "may_step_back": membership.role == Membership.Role.INITIATOR
            and group.state == Group.State.STARTING,
            "meetings_held": nudge.meetings_since_start(group=group),
            "nudge_step_back": membership.role == Membership.Role.INITIATOR
            and nudge.should_nudge(group=group),
            "stepped_back": _stepped_back_initiators(group),
            **_meetings_context(group, membership),
        },
    )


def _meetings_context(group: Group, membership: Membership) -> dict[str, object]:
    """The next meetings, who sent notice for the first of them, and counts to record."""
    now = timezone.now()
    upcoming = meeting_selectors.upcoming_for_group(group=group, now=now)
    next_meeting = next((m for m in upcoming if not m.is_cancelled), None)
    return {
        "now": now,
        "meets": group.state in meeting_selectors.MEETING_STATES,
        "upcoming": upcoming,
        "next_meeting": next_meeting,
        "next_absences": (
            meeting_selectors.absence_summary(meeting=next_meeting) if next_meeting else None
        ),
        "next_link": (
            meeting_selectors.meeting_link(next_meeting, now)
            if next_meeting and group.is_digital
            else ""
        ),
        "link_opens_minutes": settings.SELVHJELP_LINK_OPENS_MINUTES,
        "own_absences": meeting_selectors.own_absence_ids(membership=membership, meetings=upcoming),
        "recent": meeting_selectors.recent_for_group(group=group, now=now),
    }


def _stepped_back_initiators(group: Group) -> list[Membership]:
    """The group's follow-up contacts besides its contact point."""
    return list(
        group.memberships.filter(
            role=Membership.Role.INITIATOR, status=Membership.Status.STEPPED_BACK
        )
        .select_related("user")
        .order_by("ended_at")
    )


def _do_transition(request: AuthenticatedHttpRequest, group: Group, action: str) -> None:
    """Take a lifecycle transition and tell the user how it went."""
    try:
        lifecycle.group_transition(group=group, action=action, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return
    transition = lifecycle.TRANSITIONS[action]
    messages.success(request, _("Done: %(action)s.") % {"action": transition.label})


@login_required
@require_POST
@pledge_gate
def group_action(request: AuthenticatedHttpRequest, slug: str, action: str) -> HttpResponse:
    """A lifecycle button inside the group (after self-run, every member's)."""
    group, _membership = selectors.group_get_internal(slug=slug, user=request.user)
    _do_transition(request, group, action)
    return redirect("groups:inside", slug=group.slug)


@login_required
@require_POST
@pledge_gate
def group_step_back(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """An initiator steps out of the group; afterwards the inside is closed to them."""
    group, _membership = selectors.group_get_internal(slug=slug, user=request.user)
    try:
        lifecycle.initiator_step_back(group=group, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("groups:inside", slug=group.slug)
    messages.success(
        request,
        _("You have stepped back. The group can still reach you as a follow-up contact."),
    )
    return redirect("groups:mine")


@login_required
@require_http_methods(["GET", "POST"])
@pledge_gate
def group_support_request(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """ "We need support": a member writes to the group's follow-up contacts."""
    group, membership = selectors.group_get_internal(slug=slug, user=request.user)
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
            return redirect("groups:inside", slug=group.slug)
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


# --- Staff area (/personale/): setting up groups and following them up ------


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
            return redirect("organisations:group_staff_detail", slug=group.slug)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _setup_group_or_404(slug=slug, user=request.user)
    if group.state not in services.EDITABLE_STATES:
        messages.error(
            request, _("A group's set-up can be changed until its first meetings start.")
        )
        return redirect("organisations:group_staff_detail", slug=group.slug)
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
            return redirect("organisations:group_staff_detail", slug=group.slug)
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
            "editable": group.state in services.EDITABLE_STATES,
            "active_initiators": initiators.filter(status=Membership.Status.ACTIVE).count(),
            "stepped_back_initiators": initiators.filter(
                status=Membership.Status.STEPPED_BACK
            ).count(),
        },
    )


@login_required
@require_POST
def group_staff_action(request: AuthenticatedHttpRequest, slug: str, action: str) -> HttpResponse:
    group = _setup_group_or_404(slug=slug, user=request.user)
    _do_transition(request, group, action)
    return redirect("organisations:group_staff_detail", slug=group.slug)


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
        return redirect("organisations:support_requests")
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
    return redirect("organisations:support_requests")
