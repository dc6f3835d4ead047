"""A contact point's information meetings: the public page, its calendar file, the staff's side."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.services import DomainError
from meetings import ical
from organisations import selectors, services
from organisations.models import InformationMeeting

from .forms import InformationMeetingForm
from .views import _own_contact_point


@require_GET
def information_meeting_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One information meeting, for anyone; a cancelled one says so."""
    meeting = selectors.information_meeting_get_public(slug=slug, pk=pk)
    return render(request, "directory/informationmeeting_detail.html", {"meeting": meeting})


def information_meeting_location(meeting: InformationMeeting) -> str:
    """Where the meeting is, as a calendar shows it."""
    if meeting.is_digital:
        return _("Digital meeting")
    return f"{meeting.place}, {meeting.kommune.name}"


@require_GET
def information_meeting_ics(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The meeting as an .ics file, in the visitor's language; public like the page."""
    meeting = selectors.information_meeting_get_public(slug=slug, pk=pk)
    event = ical.calendar_event(
        uid=ical.event_uid("information-meeting", meeting.pk),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=_("Information meeting: %(name)s") % {"name": meeting.contact_point.name},
        url=request.build_absolute_uri(meeting.get_absolute_url()),
        sequence=meeting.change_count + (1 if meeting.is_cancelled else 0),
        cancelled=meeting.is_cancelled,
        location=information_meeting_location(meeting),
    )
    event.add("description", meeting.description)
    body = ical.calendar_bytes([event], name=_("Information meeting"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="informasjonsmote.ics"'
    return response


# --- The contact point's staff ----------------------------------------------------


@login_required
@require_GET
def information_meetings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contact_point = _own_contact_point(request, slug)
    return render(
        request,
        "directory/informationmeeting_list.html",
        {
            "contact_point": contact_point,
            "meetings": selectors.information_meetings_for_staff(contact_point=contact_point),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def information_meeting_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contact_point = _own_contact_point(request, slug)
    form = InformationMeetingForm(
        request.POST if request.method == "POST" else None, contact_point=contact_point
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.information_meeting_publish(
                contact_point=contact_point, actor=request.user, details=form.details()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The information meeting is published."))
            return redirect(meeting.get_absolute_url())
    return render(
        request,
        "directory/informationmeeting_form.html",
        {"form": form, "contact_point": contact_point, "meeting": None},
    )


def _own_meeting(request: AuthenticatedHttpRequest, slug: str, pk: int) -> InformationMeeting:
    """404 unless the meeting belongs to a contact point where the user is staff."""
    contact_point = _own_contact_point(request, slug)
    return get_object_or_404(
        InformationMeeting.objects.select_related("contact_point", "kommune"),
        pk=pk,
        contact_point=contact_point,
    )


@login_required
@require_http_methods(["GET", "POST"])
def information_meeting_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = _own_meeting(request, slug, pk)
    contact_point = meeting.contact_point
    form = InformationMeetingForm(
        request.POST if request.method == "POST" else None,
        contact_point=contact_point,
        meeting=meeting,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.information_meeting_update(
                meeting=meeting, actor=request.user, details=form.details()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The information meeting is saved."))
            return redirect("directory_staff:information_meetings", slug=contact_point.slug)
    return render(
        request,
        "directory/informationmeeting_form.html",
        {"form": form, "contact_point": contact_point, "meeting": meeting},
    )


@login_required
@require_POST
def information_meeting_cancel(
    request: AuthenticatedHttpRequest, slug: str, pk: int
) -> HttpResponse:
    meeting = _own_meeting(request, slug, pk)
    try:
        services.information_meeting_cancel(meeting=meeting, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The information meeting is cancelled."))
    return redirect("directory_staff:information_meetings", slug=meeting.contact_point.slug)
