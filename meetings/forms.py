from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import BYDAY_CODES, Group
from notifications.sms import normalise_phone

from .models import Meeting, ReminderPreference
from .schedule import aware, local


class CancelForm(forms.Form):
    prefix = "cancel"
    note = forms.CharField(
        label=_("Short note"),
        max_length=200,
        required=False,
        help_text=_("Everyone in the group sees it. Do not write about anyone's health."),
    )


class MoveForm(forms.Form):
    """A new date, time and/or place for one meeting, in Oslo time."""

    prefix = "move"

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(
        label=_("Place for this meeting"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to meet at the usual place."),
    )
    meeting_url = forms.URLField(
        label=_("Meeting link for this meeting"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Only if this meeting uses another link. Leave empty to keep the link as it is; "
            "members see it shortly before the start."
        ),
    )
    note = forms.CharField(label=_("Short note"), max_length=200, required=False)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        starts = local(meeting.starts_at)
        kwargs.setdefault(
            "initial",
            {
                "date": starts.date(),
                "time": starts.time(),
                "place": meeting.place,
                "note": meeting.note,
            },
        )
        super().__init__(*args, **kwargs)
        if meeting.group.is_digital:
            del self.fields["place"]
        else:
            del self.fields["meeting_url"]

    def chosen_meeting_url(self, meeting: Meeting) -> str:
        """Write-only, like the link itself before the meeting: empty keeps what is set."""
        return self.cleaned_data.get("meeting_url") or meeting.meeting_url

    def starts_at(self) -> datetime.datetime:
        data = self.cleaned_data
        return aware(datetime.datetime.combine(data["date"], data["time"]))


class AttendanceForm(forms.Form):
    prefix = "count"
    count = forms.IntegerField(
        label=_("How many came?"),
        min_value=0,
        max_value=99,
        help_text=_("A number only, never names."),
        error_messages={
            "min_value": _("Enter a number between 0 and 99."),
            "max_value": _("Enter a number between 0 and 99."),
            "invalid": _("Enter a whole number."),
            "required": _("Enter how many came."),
        },
    )


DAY_CHOICES = list(zip(BYDAY_CODES, Group.Weekday.labels, strict=True))


class ScheduleForm(forms.ModelForm):
    """The group's regular time: weekly, every other week, or chosen days."""

    days = forms.MultipleChoiceField(
        label=_("Meeting days"),
        choices=DAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only when the group meets on chosen days."),
    )

    class Meta:
        model = Group
        fields = ("weekday", "start_time", "duration_minutes", "cadence")
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "cadence": forms.RadioSelect,
        }
        error_messages = {
            "duration_minutes": {
                "min_value": _("A meeting lasts between 30 and 240 minutes."),
                "max_value": _("A meeting lasts between 30 and 240 minutes."),
            },
        }

    def __init__(self, *args: Any, propose: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.custom_days and not self.is_bound:
            self.initial["days"] = self.instance.custom_days.split(",")
        if propose:
            # Once the group runs itself, a new time is proposed to the members.
            self.fields["note"] = forms.CharField(
                label=_("Short note"),
                max_length=300,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "Why you propose it, or from when. Everyone in the group reads it; do not "
                    "write about anyone's health."
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        days = data.get("days") or []
        if data.get("cadence") == Group.Cadence.CUSTOM:
            if not days:
                self.add_error("days", _("Choose at least one day."))
            data["custom_days"] = ",".join(code for code in BYDAY_CODES if code in days)
        else:
            data["custom_days"] = ""
        return data

    def _post_clean(self) -> None:
        # The service saves the group under a row lock and validates it there.
        pass

    def service_data(self) -> dict[str, Any]:
        names = ("weekday", "start_time", "duration_minutes", "cadence", "custom_days")
        return {name: self.cleaned_data[name] for name in names}


class ReminderPreferenceForm(forms.Form):
    lead_hours = forms.TypedChoiceField(
        label=_("Remind me before each meeting"),
        coerce=int,
        choices=ReminderPreference.LEAD_HOUR_CHOICES,
    )
    channel = forms.ChoiceField(
        label=_("Send reminders by"),
        choices=ReminderPreference.Channel.choices,
        widget=forms.RadioSelect,
        help_text=_("Text messages go to the mobile number on your profile."),
    )
    no_reminders_for = forms.TypedMultipleChoiceField(
        label=_("No reminders for these groups"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Any, memberships: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = cast(forms.TypedMultipleChoiceField, self.fields["no_reminders_for"])
        field.choices = [(m.pk, m.group.name) for m in memberships]
        if not memberships:
            del self.fields["no_reminders_for"]

    def clean_channel(self) -> str:
        channel: str = self.cleaned_data["channel"]
        if channel != ReminderPreference.Channel.EMAIL:
            if not self.user.phone:
                raise forms.ValidationError(
                    _("Add your mobile number on your profile first."), code="no_phone"
                )
            if normalise_phone(self.user.phone) is None:
                raise forms.ValidationError(
                    _(
                        "The mobile number on your profile does not look like a mobile "
                        "number. Correct it on your profile first."
                    ),
                    code="invalid_phone",
                )
            if not self.user.phone_verified:
                raise forms.ValidationError(
                    _(
                        "Confirm your mobile number on your profile first: we send a code "
                        "to it, and you type it in."
                    ),
                    code="unconfirmed_phone",
                )
        return channel
