from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("A short message to the group"),
        help_text=_(
            "For example when you can start. Do not write about a diagnosis or your health: "
            "the group will meet you and you decide what to share."
        ),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
    )


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))])
