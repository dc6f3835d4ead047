from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import Group, Theme
from places.models import Kommune
from places.selectors import resolve_place

from .models import InterestRegistration


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RegistrationForm(forms.Form):
    theme = ThemeChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), to_field_name="slug", empty_label=None
    )
    format = forms.ChoiceField(
        label=_("How would you like to meet?"),
        choices=InterestRegistration.Format.choices,
        initial=InterestRegistration.Format.IN_PERSON,
        widget=forms.RadioSelect,
    )
    place = forms.CharField(
        label=_("Municipality"),
        required=False,
        max_length=80,
        help_text=_(
            "Municipality, town or postal code. Needed for groups that meet in person; "
            "for digital groups it only helps us find a contact point near you."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    radius_km = forms.TypedChoiceField(
        label=_("How far can you travel?"),
        choices=InterestRegistration.Radius.choices,
        coerce=int,
        initial=InterestRegistration.Radius.KM_25,
    )
    contact_by = forms.ChoiceField(
        label=_("Contact me by"),
        choices=InterestRegistration.ContactBy.choices,
        initial=InterestRegistration.ContactBy.EMAIL,
        widget=forms.RadioSelect,
        help_text=_("Text messages need a mobile number in your profile."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not getattr(user, "email", None):
            # Signed up with a mobile number only: text messages are the way.
            self.fields["contact_by"].initial = InterestRegistration.ContactBy.SMS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("place", "")
        kommune = None
        if text:
            place = resolve_place(text)
            kommune = Kommune.objects.filter(number=place.kommune_number).first() if place else None
            if kommune is None:
                self.add_error("place", _("We could not find that place. Try a municipality."))
        elif data.get("format") == InterestRegistration.Format.IN_PERSON:
            self.add_error("place", _("Choose a municipality for a group that meets in person."))
        if data.get("contact_by") == InterestRegistration.ContactBy.SMS and not getattr(
            self.user, "phone", ""
        ):
            self.add_error(
                "contact_by",
                _("Add a mobile number to your profile to be contacted by text message."),
            )
        if data.get("contact_by") == InterestRegistration.ContactBy.EMAIL and not getattr(
            self.user, "email", None
        ):
            self.add_error(
                "contact_by",
                _("You signed up with a mobile number, so we contact you by text message."),
            )
        data["kommune"] = kommune
        return data


class StartGroupForm(forms.Form):
    """Pick a forming group of the contact point, or create one quickly."""

    group = forms.ModelChoiceField(
        label=_("Existing group"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("Create a new group"),
    )
    name = forms.CharField(
        label=_("Name of the new group"),
        max_length=80,
        required=False,
        help_text=_("A neutral name that does not reveal the theme, e.g. 'Tirsdagsgruppa'."),
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=Group.Weekday.choices,
        coerce=int,
        initial=Group.Weekday.TUESDAY,
    )
    start_time = forms.TimeField(
        label=_("Starts at"),
        initial="18:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("group") and not data.get("name"):
            self.add_error("name", _("Give the new group a name, or choose an existing group."))
        return data
