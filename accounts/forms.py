from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User
from .validators import normalise_phone, validate_display_name


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (``ACCOUNT_SIGNUP_FORM_CLASS``)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        validators=[validate_display_name],
        help_text=_(
            "The name other members see. A first name, a nickname or a made-up name are all fine."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    field_order = ["email", "display_name", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.language = getattr(request, "LANGUAGE_CODE", "nb")[:2]
        if user.language not in User.Language.values:
            user.language = User.Language.NB
        user.save(update_fields=["display_name", "language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "phone", "language"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def clean_display_name(self) -> str:
        return str(self.cleaned_data["display_name"]).strip()

    def clean_phone(self) -> str:
        value = str(self.cleaned_data.get("phone") or "").strip()
        return normalise_phone(value) if value else ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _(
            "Optional. Norwegian mobile numbers can be written with 8 digits, others "
            "with + and country code. Only used for text-message reminders."
        )
