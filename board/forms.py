from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_LENGTH


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        help_text=_(
            "Everyone in the group can read it until you delete it, you leave the group, "
            "or it is %(days)s days old. What is said in the group stays in the group."
        ),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write a message before you post it."),
            "max_length": _(
                "The message is %(show_value)d characters long. Keep it within %(limit_value)d."
            ),
        },
    )

    def __init__(self, *args: object, retention_days: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["body"]
        field.help_text = str(field.help_text) % {"days": retention_days}
