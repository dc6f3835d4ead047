"""A member's reminder settings, and where the neutral link in a meeting message leads."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from groups.models import Membership
from groups.selectors import group_get_internal
from notifications.selectors import bounces_to_tell
from pledges.gate import pledge_gate

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


@login_required
@pledge_gate
def message_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Where the neutral link in a message leads: the meeting, for its participants only.

    404 for anyone else (the link names no group, and answers nothing about
    one); a participant who has not signed the pledge is sent to sign it.
    """
    found = Meeting.objects.select_related("group").filter(pk=pk).first()
    if found is None:
        raise Http404
    group_get_internal(slug=found.group.slug, user=request.user)
    return redirect(found.get_absolute_url())
