"""A member's reminder settings, and where the neutral link in a meeting message leads."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from groups.gate import group_inside
from groups.models import Group, Membership
from notifications.selectors import bounces_to_tell

from .forms import ReminderPreferenceForm
from .models import Meeting, ReminderOptOut, ReminderPreference
from .reminders import reminder_preferences_update


@login_required
@require_http_methods(["GET", "POST"])
def reminder_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's reminder settings: lead time, channel, groups without reminders."""
    user = request.user
    memberships = list(
        Membership.objects.active().filter(user=user).select_related("group").order_by("pk")
    )
    pref = ReminderPreference.objects.filter(user=user).first()
    initial = {
        "lead_hours": pref.lead_hours if pref else settings.SELVHJELP_REMINDER_DEFAULT_HOURS,
        "channel": pref.channel if pref else ReminderPreference.Channel.EMAIL,
        "no_reminders_for": list(
            ReminderOptOut.objects.filter(membership__in=memberships).values_list(
                "membership_id", flat=True
            )
        ),
    }
    form = ReminderPreferenceForm(
        request.POST or None, initial=initial, user=user, memberships=memberships
    )
    if request.method == "POST" and form.is_valid():
        reminder_preferences_update(
            user=user,
            lead_hours=form.cleaned_data["lead_hours"],
            channel=form.cleaned_data["channel"],
            opted_out_membership_ids=set(form.cleaned_data.get("no_reminders_for") or []),
        )
        messages.success(request, _("Your reminder settings have been saved."))
        return redirect("meetings:reminders")
    return render(
        request,
        "meetings/reminder_preferences.html",
        {"form": form, "bounces": bounces_to_tell(user=user)},
    )


def _group_of_meeting(url_kwargs: dict[str, Any]) -> dict[str, Any]:
    """The message link names a meeting, not a group: the gate finds the meeting's group."""
    return {"meetings__pk": url_kwargs["pk"]}


@login_required
@group_inside(group_from=_group_of_meeting)
def message_link(
    request: AuthenticatedHttpRequest, group: Group, membership: Membership, pk: int
) -> HttpResponse:
    """Where the neutral link in a message leads: the meeting, for its participants only.

    404 for anyone else (the link names no group, and answers nothing about
    one); a participant who has not signed the pledge is sent to sign it.
    """
    meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=pk, group=group)
    return redirect(meeting.get_absolute_url())
