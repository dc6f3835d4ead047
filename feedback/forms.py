from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Answer

WORKS_CHOICES = [
    (1, _("1 – not well")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – very well")),
]


class FeedbackForm(forms.Form):
    works = forms.TypedChoiceField(
        label=_("How does the group work for you?"),
        choices=WORKS_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a number from 1 to 5.")},
    )
    safe = forms.ChoiceField(
        label=_("Do you feel safe in the group?"),
        choices=Answer.Safe.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose yes, partly or no.")},
    )
    text = forms.CharField(
        label=_("Anything you want the contact point to know?"),
        help_text=_(
            "Only the group's contact point reads this, and only once at least three "
            "members have answered. Please leave out names, yours too."
        ),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
