from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import NOTE_MAX


class ProposeForm(forms.Form):
    note = forms.CharField(
        label=_("Short note"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Why you propose it, or when. Everyone in the group reads it; do not write "
            "about anyone's health."
        ),
    )


class PlaceForm(ProposeForm):
    place = forms.CharField(
        label=_("New meeting place"),
        max_length=200,
        help_text=_("Only the group's members see it."),
        error_messages={"required": _("Write where the group would meet.")},
    )

    field_order = ["place", "note"]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("yes", _("I agree")), ("no", _("I object"))],
        error_messages={
            "required": _("Choose whether you agree or object."),
            "invalid_choice": _("Choose whether you agree or object."),
        },
    )
    note = forms.CharField(
        label=_("Why you object"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
