"""The public directory of contact points, reports of a change, and the staff's side."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from core.ratelimit import consume
from core.services import DomainError
from groups import selectors as group_selectors
from groups.finder import contact_points_by_distance
from groups.forms import GroupSearchForm
from groups.models import Group
from organisations.models import ContactPoint
from organisations.selectors import contact_points_for_user, information_meetings_upcoming

from . import selectors, services
from .forms import ChangeReportForm, ContactPointEntryForm
from .models import ChangeReport
from .outreach import Sheet, qr_svg

logger = logging.getLogger(__name__)

# A poster lists this many of a contact point's groups; the rest are on its page.
POSTER_GROUPS = 5


@require_GET
def directory_list(request: HttpRequest) -> HttpResponse:
    """Every listed contact point; nearest first when a place is given.

    The place is read as the finder reads it (``GroupSearchForm``), so
    "Tromso" or a postal code work here too.
    """
    form = GroupSearchForm(request.GET or None)
    contact_points = list(selectors.public_contact_points())
    distances: dict[int, float] = {}
    place_label = ""
    if form.is_bound and form.is_valid() and form.cleaned_data.get("q"):
        query = form.to_query()
        if query.has_point:
            assert query.latitude is not None and query.longitude is not None
            nearest = contact_points_by_distance(
                query.latitude, query.longitude, contact_points=contact_points
            )
            distances = {cp.pk: km for cp, km in nearest}
            # A contact point whose kommune has no point yet comes last, not never.
            contact_points = [cp for cp, _km in nearest] + [
                cp for cp in contact_points if cp.pk not in distances
            ]
            place_label = form.place.label if form.place else ""
    entries = selectors.directory_entries(contact_points)
    for entry in entries:
        entry.distance_km = distances.get(entry.contact_point.pk)
    return render(
        request,
        "directory/contactpoint_list.html",
        {"form": form, "entries": entries, "place_label": place_label},
    )


@require_GET
def directory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    contact_point = selectors.contact_point_get_public(slug=slug)
    [entry] = selectors.directory_entries([contact_point])
    return render(
        request,
        "directory/contactpoint_detail.html",
        {
            "entry": entry,
            "information_meetings": information_meetings_upcoming(contact_point=contact_point),
        },
    )


def _report(
    request: HttpRequest, *, contact_point: ContactPoint, group: Group | None
) -> HttpResponse:
    """The form and its sending. Over the rate limit the form comes back with the
    words kept (429), so someone who wrote a long report does not lose it."""
    form = ChangeReportForm(request.POST if request.method == "POST" else None)
    status, retry_after = 200, None
    if request.method == "POST":
        retry_after = consume(request, "change_report")
    if retry_after is not None:
        logger.warning("rate limit exceeded: action=%s", "change_report")
        form.is_valid()
        form.add_error(
            None,
            _(
                "Many reports have been sent from here in a short time. "
                "Wait a little and send again: what you wrote is kept below."
            ),
        )
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            services.change_report_create(
                contact_point=contact_point,
                group=group,
                message=form.cleaned_data["message"],
                reply_email=form.cleaned_data["reply_email"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Thank you. The contact point has been told and will look at it.")
            )
            if group is not None:
                return redirect("groups:detail", slug=group.slug)
            return redirect("directory:detail", slug=contact_point.slug)
    response = render(
        request,
        "directory/changereport_form.html",
        {"form": form, "contact_point": contact_point, "group": group},
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@require_http_methods(["GET", "POST"])
def report_contact_point(request: HttpRequest, slug: str) -> HttpResponse:
    """«Meld fra om endring» about a contact point's entry; no account needed."""
    contact_point = selectors.contact_point_get_public(slug=slug)
    return _report(request, contact_point=contact_point, group=None)


@require_http_methods(["GET", "POST"])
def report_group(request: HttpRequest, slug: str) -> HttpResponse:
    """«Meld fra om endring» about a group's public page; to the group's contact point."""
    group = group_selectors.group_get_public(slug=slug, user=request.user)
    return _report(request, contact_point=group.contact_point, group=group)


# --- Outreach material -------------------------------------------------------------


def _sheet(
    request: HttpRequest,
    *,
    template: str,
    sheet: Sheet,
    page_path: str,
    back_label: str,
    other_sheet_url: str,
    context: dict[str, object],
) -> HttpResponse:
    """A printable sheet whose QR code leads to the public page at ``page_path``."""
    page_url = request.build_absolute_uri(page_path)
    return render(
        request,
        template,
        {
            "sheet": sheet.value,
            "page_url": page_url,
            "qr": qr_svg(page_url),
            "back_url": page_path,
            "back_label": back_label,
            "other_sheet_url": other_sheet_url,
            **context,
        },
    )


def _other(sheet: Sheet, *, poster: str, card: str, slug: str) -> str:
    return reverse(card if sheet == Sheet.POSTER else poster, kwargs={"slug": slug})


@require_GET
def contact_point_sheet(request: HttpRequest, slug: str, sheet: Sheet) -> HttpResponse:
    """A poster or card for a contact point, with its public groups and phone."""
    contact_point = selectors.contact_point_get_public(slug=slug)
    [entry] = selectors.directory_entries([contact_point])
    return _sheet(
        request,
        template="directory/contactpoint_sheet.html",
        sheet=sheet,
        page_path=contact_point.get_absolute_url(),
        back_label=_("Back to the contact point"),
        other_sheet_url=_other(
            sheet,
            poster="directory:contact_point_poster",
            card="directory:contact_point_card",
            slug=slug,
        ),
        context={
            "contact_point": contact_point,
            "groups": entry.groups[:POSTER_GROUPS],
            "more_groups": max(0, len(entry.groups) - POSTER_GROUPS),
        },
    )


@require_GET
def group_sheet(request: HttpRequest, slug: str, sheet: Sheet) -> HttpResponse:
    """A poster or card for a public group: its cadence, never its meeting place."""
    group = selectors.group_get_listed(slug=slug)
    return _sheet(
        request,
        template="directory/group_sheet.html",
        sheet=sheet,
        page_path=group.get_absolute_url(),
        back_label=_("Back to the group"),
        other_sheet_url=_other(
            sheet, poster="directory:group_poster", card="directory:group_card", slug=slug
        ),
        context={"group": group, "contact_point": group.contact_point},
    )


# --- The contact point's staff ----------------------------------------------------


def _own_contact_point(request: AuthenticatedHttpRequest, slug: str) -> ContactPoint:
    """404 unless the user is staff at this very contact point."""
    return get_object_or_404(
        contact_points_for_user(user=request.user).select_related("kommune"), slug=slug
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contact_point = _own_contact_point(request, slug)
    form = ContactPointEntryForm(
        request.POST if request.method == "POST" else None, instance=contact_point
    )
    if request.method == "POST" and form.is_valid():
        services.contact_point_entry_update(
            contact_point=contact_point,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in services.ENTRY_FIELDS},
        )
        messages.success(request, _("The entry in the directory is saved."))
        return redirect("directory_staff:entry_edit", slug=contact_point.slug)
    open_reports = ChangeReport.objects.open().filter(contact_point=contact_point).count()
    return render(
        request,
        "directory/contactpoint_form.html",
        {"form": form, "contact_point": contact_point, "open_reports": open_reports},
    )


@login_required
@require_GET
def reports(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    contact_point = _own_contact_point(request, slug)
    rows = (
        ChangeReport.objects.filter(contact_point=contact_point)
        .select_related("group")
        .order_by("handled_at", "-created_at", "-pk")
    )
    return render(
        request,
        "directory/changereport_list.html",
        {"contact_point": contact_point, "reports": rows},
    )


@login_required
@require_POST
def report_handled(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    contact_point = _own_contact_point(request, slug)
    report = get_object_or_404(ChangeReport, pk=pk, contact_point=contact_point)
    services.change_report_mark_handled(report=report, actor=request.user)
    messages.success(request, _("Marked as handled."))
    return redirect("directory_staff:reports", slug=contact_point.slug)
