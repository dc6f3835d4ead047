from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReminderPreference
from .sms import normalise_phone


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
        return channel
