"""Meeting pages inside a group, the signed absence link and calendar feeds."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.ratelimit import rate_limit
from core.services import DomainError
from decisions import services as decisions
from decisions.models import Proposal
from groups.gate import group_inside
from groups.models import Group, Membership

from . import ical, links, selectors, services
from .forms import AttendanceForm, CancelForm, MoveForm, ScheduleForm
from .models import Absence, CalendarFeed, Meeting
from .schedule import schedule_details


def _meeting_context(
    request: AuthenticatedHttpRequest,
    group: Group,
    membership: Membership,
    meeting: Meeting,
    **forms: Any,
) -> dict[str, Any]:
    now = timezone.now()
    return {
        "group": group,
        "membership": membership,
        "meeting": meeting,
        "place": selectors.meeting_place(meeting),
        "link": selectors.meeting_link(meeting, now) if group.is_digital else "",
        "now": now,
        "link_opens_minutes": settings.SELVHJELP_LINK_OPENS_MINUTES,
        "absences": selectors.absence_summary(meeting=meeting),
        "own_absence": Absence.objects.filter(meeting=meeting, membership=membership).exists(),
        "changeable": not meeting.has_started(now)
        and not meeting.is_cancelled
        and group.state in Group.State.MEETING,
        "countable": meeting.has_started(now) and not meeting.is_cancelled,
        "is_over": meeting.is_over(now),
        "attendance_max": services.attendance_max(group=group),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "move_form": forms.get("move_form") or MoveForm(meeting=meeting),
        "attendance_form": forms.get("attendance_form")
        or AttendanceForm(initial={"count": meeting.attendance}),
    }


@login_required
@require_GET
@group_inside
def meeting_detail(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    meeting = selectors.meeting_get_internal(group=group, pk=pk)
    return render(
        request,
        "meetings/meeting_detail.html",
        _meeting_context(request, group, membership, meeting),
    )


def _render_with_errors(
    request: AuthenticatedHttpRequest,
    group: Group,
    membership: Membership,
    meeting: Meeting,
    **forms: Any,
) -> HttpResponse:
    context = _meeting_context(request, group, membership, meeting, **forms)
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@require_POST
@group_inside
def meeting_cancel(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    meeting = selectors.meeting_get_internal(group=group, pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting is cancelled. The others get a notice."))
            return redirect(meeting.get_absolute_url())
    return _render_with_errors(request, group, membership, meeting, cancel_form=form)


@login_required
@require_POST
@group_inside
def meeting_move(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    meeting = selectors.meeting_get_internal(group=group, pk=pk)
    form = MoveForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.meeting_move(
                meeting=meeting,
                actor=request.user,
                starts_at=form.starts_at(),
                place=form.cleaned_data.get("place", ""),
                meeting_url=form.chosen_meeting_url(meeting),
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting is moved. The others get a notice."))
            return redirect(meeting.get_absolute_url())
    return _render_with_errors(request, group, membership, meeting, move_form=form)


@login_required
@require_POST
@group_inside
@rate_limit("absence")
def meeting_absence(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    """One tap: "I cannot come" (``action=register``) or undo it (``action=undo``)."""
    meeting = selectors.meeting_get_internal(group=group, pk=pk)
    action = request.POST.get("action")
    if action not in ("register", "undo"):
        messages.error(request, _("Choose whether to send or withdraw the notice."))
        return redirect(_back(request, group))
    try:
        if action == "register":
            services.absence_register(meeting=meeting, membership=membership)
        else:
            services.absence_withdraw(meeting=meeting, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Your notice of absence is registered.")
            if action == "register"
            else _("Your notice of absence is withdrawn."),
        )
    return redirect(_back(request, group, meeting))


def _back(request: HttpRequest, group: Group, meeting: Meeting | None = None) -> str:
    if request.POST.get("next") == "meeting" and meeting is not None:
        return meeting.get_absolute_url()
    return group.inside_url("groups:inside") + "#meetings-title"


@login_required
@require_POST
@group_inside
def meeting_attendance(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    meeting = selectors.meeting_get_internal(group=group, pk=pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.attendance_record(
                meeting=meeting, actor=request.user, count=form.cleaned_data["count"]
            )
        except DomainError as error:
            form.add_error("count", error.message)
        else:
            messages.success(request, _("The count is saved. Thank you."))
            return redirect(meeting.get_absolute_url())
    return _render_with_errors(request, group, membership, meeting, attendance_form=form)


@login_required
@require_GET
@group_inside
def meeting_ics(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    """One meeting as an .ics file, for signed members."""
    meeting = selectors.meeting_get_internal(group=group, pk=pk)
    body = ical.build_calendar(
        [selectors.FeedEntry(meeting=meeting, signed=True)],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mote.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@group_inside
def schedule_edit(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership
) -> HttpResponse:
    """The group's regular meeting time.

    While the initiators guide the start, any participant changes it. Once the
    group runs itself, a new time is a proposal the members decide together.
    """
    if group.state not in Group.State.MEETING:
        raise Http404
    propose = group.state in Group.State.RUNS_ITSELF
    form = ScheduleForm(request.POST or None, instance=group, propose=propose)
    if request.method == "POST" and form.is_valid():
        try:
            if propose:
                decisions.proposal_create(
                    group=group,
                    user=request.user,
                    kind=Proposal.Kind.SCHEDULE,
                    note=form.cleaned_data["note"],
                    details=schedule_details(form.service_data()),
                )
            else:
                services.schedule_change(group=group, actor=request.user, data=form.service_data())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your proposal is sent to the group. Everyone can now agree or object.")
                if propose
                else _("The meeting time is changed for the coming meetings."),
            )
            return redirect(group.inside_url("groups:inside"))
    group.refresh_from_db()
    return render(
        request,
        "meetings/schedule_form.html",
        {"group": group, "membership": membership, "form": form, "propose": propose},
    )


# --- The signed absence link (no login) --------------------------------------------


def _link_target(token: str) -> tuple[Meeting, Membership] | None:
    ids = links.absence_token_read(token)
    if ids is None:
        raise Http404
    meeting = Meeting.objects.select_related("group").filter(pk=ids[0]).first()
    membership = Membership.objects.filter(pk=ids[1]).first()
    if meeting is None or membership is None or membership.group_id != meeting.group_id:
        raise Http404
    if (
        meeting.is_over()
        or meeting.is_cancelled
        or membership.status != Membership.Status.ACTIVE
        or meeting.group.state not in Group.State.MEETING
    ):
        return None
    return meeting, membership


@require_http_methods(["GET", "POST"])
@rate_limit("absence", every_method=True)  # also slows down guessing at tokens
def absence_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for a tap (link checkers must not send notices); POST registers or undoes."""
    target = _link_target(token)
    if target is None:
        response = render(request, "meetings/absence_link_gone.html", status=410)
    else:
        meeting, membership = target
        state = "ask"
        if request.method == "POST":
            try:
                if request.POST.get("action") == "undo":
                    services.absence_withdraw(meeting=meeting, membership=membership)
                    state = "withdrawn"
                else:
                    services.absence_register(meeting=meeting, membership=membership)
                    state = "registered"
            except DomainError:
                response = render(request, "meetings/absence_link_gone.html", status=410)
                response["Cache-Control"] = "no-store"
                return response
        elif Absence.objects.filter(meeting=meeting, membership=membership).exists():
            state = "registered"
        response = render(request, "meetings/absence_link.html", {"state": state})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Calendar feeds ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create, renew or revoke the member's private calendar address."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action in ("create", "renew"):
            services.calendar_feed_renew(user=request.user)
            messages.success(
                request,
                _("Your calendar address is ready.")
                if action == "create"
                else _("You have a new calendar address. The old one no longer works."),
            )
        elif action == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar address no longer works."))
        else:
            messages.error(request, _("Choose what to do with the calendar address."))
        return redirect("meetings:calendar")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(feed_path(feed)) if feed else ""
    response = render(request, "meetings/calendar_settings.html", {"feed": feed, "feed_url": url})
    response["Cache-Control"] = "private, no-store"
    return response


def feed_path(feed: CalendarFeed) -> str:
    return reverse("meetings:feed", kwargs={"token": feed.token})


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The member's meetings as iCalendar; the token is the only key."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None:
        raise Http404
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    body = ical.build_calendar(
        selectors.feed_entries(user=feed.user),
        language=feed.user.language or settings.LANGUAGE_CODE,
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # A member's meetings: no cache between the server and their calendar keeps them.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
