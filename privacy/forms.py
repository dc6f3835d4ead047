from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AccountDeleteForm(forms.Form):
    """The person types a word to show the deletion is meant, not a slip."""

    confirm = forms.CharField(
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _("Type %(word)s to confirm") % {
            "word": self.expected_word()
        }

    @staticmethod
    def expected_word() -> str:
        # Translators: the word a person types to delete their account.
        return str(_("DELETE"))

    def clean_confirm(self) -> str:
        value = str(self.cleaned_data["confirm"]).strip()
        if value.casefold() != self.expected_word().casefold():
            raise forms.ValidationError(
                _("Type %(word)s, exactly as written, to delete your account."),
                code="mismatch",
                params={"word": self.expected_word()},
            )
        return value
