from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from notifications import sms

from .models import User
from .validators import normalise_phone, validate_display_name


class MobileNumberField(forms.CharField):
    """A mobile number that can receive a code, stored in E.164 (+4791234567)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text", _("8 digits for a Norwegian number, or + and the country code.")
        )
        kwargs.pop("validators", None)
        kwargs["widget"] = forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        number = normalise_phone(value)
        if sms.normalise_phone(number) is None:
            raise ValidationError(
                _("This does not look like a mobile number. Check it and try again."),
                code="not_mobile",
            )
        return number


class PhoneSignupForm(forms.Form):
    """Sign-up with only a mobile number and a display name; a texted code confirms it."""

    phone = MobileNumberField()
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        validators=[validate_display_name],
        help_text=_(
            "The name other members see. A first name, a nickname or a made-up name are all fine."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def clean_display_name(self) -> str:
        return str(self.cleaned_data["display_name"]).strip()


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
        number = normalise_phone(value) if value else ""
        user = self.instance
        if user.pk and not user.email and user.phone_verified and number != user.phone:
            # The confirmed number is this account's only way in: a new one is
            # unconfirmed until its code is typed in, and a lost session would
            # lock the person out. An e-mail address first keeps a way in.
            raise ValidationError(
                _(
                    "You log in with this number, so it cannot be changed yet. Add an "
                    "e-mail address under Security first, then change the number."
                ),
                code="only_login",
            )
        return number

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _(
            "Optional. Norwegian mobile numbers can be written with 8 digits, others "
            "with + and country code. Once confirmed with a code, it logs you in and gets "
            "text-message reminders if you ask for them."
        )
