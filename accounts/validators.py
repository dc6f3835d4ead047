"""Validation of the few personal fields the platform keeps."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Letters (any script), digits, spaces and a few joiners; no e-mail addresses
# or links, which would make a pseudonym identifying or a vector for spam.
_DISPLAY_NAME = re.compile(r"^[^\W_](?:[\w .'\-]*[^\W_])?$", re.UNICODE)
# "example.com", "www.x.no": a dot between a letter or digit and two or more
# letters that end the word. Initials ("K.B. Hansen", "J. R. R.") stay allowed.
_WEB_ADDRESS = re.compile(r"[^\W_]\.[a-z]{2,}(?!\w)", re.IGNORECASE)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _without_marks(value: str) -> str | None:
    """``value`` without its combining marks, or None if they are misplaced.

    Accents typed as separate characters and the vowel signs of Tamil,
    Devanagari and other scripts are combining marks, which ``\\w`` does not
    match. A mark must sit on a letter or digit; more than two on one letter
    is decoration ("Zalgo" text), not a name.
    """
    letters: list[str] = []
    run = 0
    for char in value:
        if _is_mark(char):
            run += 1
            if not letters or run > 2 or not letters[-1].isalnum():
                return None
        else:
            run = 0
            letters.append(char)
    return "".join(letters)


def validate_display_name(value: str) -> None:
    value = unicodedata.normalize("NFC", value.strip())
    if len(value) < 2:
        raise ValidationError(_("Use at least two characters."), code="too_short")
    if "@" in value or "://" in value or _WEB_ADDRESS.search(value):
        raise ValidationError(
            _("A display name cannot be an e-mail or web address."), code="address"
        )
    letters = _without_marks(value)
    if letters is None or not _DISPLAY_NAME.match(letters):
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
