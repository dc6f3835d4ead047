"""Validation of the few personal fields the platform keeps."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Letters (any script), digits, spaces and a few joiners; no e-mail addresses
# or links, which would make a pseudonym identifying or a vector for spam.
_DISPLAY_NAME = re.compile(r"^[^\W_](?:[\w .'\-]*[^\W_])?$", re.UNICODE)


def validate_display_name(value: str) -> None:
    value = value.strip()
    if len(value) < 2:
        raise ValidationError(_("Use at least two characters."), code="too_short")
    if "@" in value or "://" in value or not _DISPLAY_NAME.match(value):
        raise ValidationError(
            _("Use letters, digits, spaces, hyphens, apostrophes or full stops only."),
            code="invalid",
        )


def normalise_phone(value: str) -> str:
    """Return the number in E.164, reading national numbers as Norwegian.

    Raises ``ValidationError`` for anything that is not a valid mobile or
    fixed-line number.
    """
    try:
        number = phonenumbers.parse(value.strip(), "NO")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a Norwegian mobile number (8 digits) or an international number with +."),
            code="invalid_phone",
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a Norwegian mobile number (8 digits) or an international number with +."),
            code="invalid_phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
