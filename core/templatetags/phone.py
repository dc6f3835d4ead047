from __future__ import annotations

import re

import phonenumbers
from django import template

register = template.Library()


@register.filter
def tel_uri(number: str) -> str:
    """A ``tel:`` link for a phone number as people write it ("+47 000 00 101").

    A tel URI has no room for spaces (RFC 3966), so the number goes in E.164
    form ("tel:+4700000101"), read as Norwegian when it has no country code.
    """
    number = (number or "").strip()
    try:
        parsed = phonenumbers.parse(number, "NO")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    # Not a number phonenumbers knows (a short code, say): keep its digits.
    return "tel:" + re.sub(r"(?!^\+)\D", "", number)
