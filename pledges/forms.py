from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class SignForm(forms.Form):
    """The member's signature: a promise and their display name typed out.

    ``pledge_version`` and ``lines_revision`` say which text the member read;
    the service refuses them if a newer text came out meanwhile.
    """

    pledge_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    lines_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    promise = forms.BooleanField(
        label=_("I have read the pledge and promise to keep it"),
        error_messages={"required": _("Tick the box to promise to keep the pledge.")},
    )
    typed_name = forms.CharField(
        label=_("Your display name"),
        max_length=40,
        help_text=_("Type your display name as the group sees it. This is your signature."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class GroupLinesForm(forms.Form):
    text = forms.CharField(
        label=_("The group's own lines"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Agreements the group adds to the pledge. When they change, every member "
            "signs again, you too."
        ),
    )

    def __init__(self, *args: Any, propose: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if propose:
            # Once the group runs itself, new lines are proposed to the members.
            self.fields["note"] = forms.CharField(
                label=_("Short note"),
                max_length=300,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
