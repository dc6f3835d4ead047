"""The national administrators' view of the audit trail (``/personale/revisjon/``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from core.models import AuditEvent

from .selectors import is_national_admin

PAGE_SIZE = 50


def event_families() -> list[str]:
    """The families of ``AuditEvent.Event`` (``account``, ``group``, …), in order."""
    return sorted({event.value.split(".", 1)[0] for event in AuditEvent.Event})


class AuditFilterForm(forms.Form):
    """Filter by one event name, or by a family (``account``, ``mfa``, ``group`` …).

    Both lists come from ``AuditEvent.Event``, so every event and family is
    offered before its first row exists.
    """

    event = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=lambda: [
            ("", _("All events")),
            (_("Families"), [(f"{family}.*", f"{family}.*") for family in event_families()]),
            (_("Events"), [(name, name) for name in sorted(AuditEvent.Event.values)]),
        ],
    )


@login_required
@require_GET
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who did what to which record, newest first; ids and event names only.

    The ``data`` column is shown as its keys and numeric values: the services
    that write events keep free text out of it, and this page does not trust
    that alone.
    """
    if not is_national_admin(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    queryset = AuditEvent.objects.all()
    status = 200
    if form.is_bound:
        if form.is_valid():
            chosen = form.cleaned_data["event"]
            if chosen.endswith(".*"):
                queryset = queryset.filter(event__startswith=chosen[:-1])
            elif chosen:
                queryset = queryset.filter(event=chosen)
        else:
            status = 400
            queryset = queryset.none()
    page = Paginator(
        queryset.only("created_at", "actor_id", "event", "target_type", "target_id", "data"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = [(event, safe_details(event.data)) for event in page.object_list]
    return render(
        request,
        "organisations/audit_log.html",
        {"form": form, "page": page, "rows": rows},
        status=status,
    )


def safe_details(data: object) -> str:
    """``key=value`` for numbers and booleans, ``key`` alone for anything else."""
    if not isinstance(data, dict):
        return ""
    parts = []
    for key, value in sorted(data.items()):
        if isinstance(value, bool | int | float):
            parts.append(f"{key}={value}")
        else:
            parts.append(str(key))
    return ", ".join(parts)
