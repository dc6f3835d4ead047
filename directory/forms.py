from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import ContactPoint

from .models import MESSAGE_MAX_LENGTH


class ChangeReportForm(forms.Form):
    """«Meld fra om endring»: what is no longer right, and an optional address."""

    message = forms.CharField(
        label=_("What has changed?"),
        help_text=_(
            "For example a new phone number, a group that has stopped, or new opening hours. "
            "Please do not write about your health."
        ),
        max_length=MESSAGE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reply_email = forms.EmailField(
        label=_("Your e-mail, if you want an answer"),
        help_text=_("Leave it empty to report without giving any address."),
        required=False,
    )


class ContactPointEntryForm(forms.ModelForm):
    """What a contact point's staff say about it in the directory."""

    class Meta:
        model = ContactPoint
        fields = ["public_phone", "public_email", "website", "opening_hours"]
        help_texts = {
            "opening_hours": _("In your own words, for example “Monday to Thursday 9–15”."),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("public_phone", "opening_hours"):
            if name in data and isinstance(data[name], str):
                data[name] = " ".join(data[name].split())
        return data
