"""Display names and phone numbers: the only personal fields the platform keeps."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.validators import normalise_phone, validate_display_name

VALID_NAMES = [
    "Kari",
    "Ai",  # two characters are enough
    "  Kari  ",  # surrounding space is ignored
    "Åse Ørjasæter",
    "Per-Erik",
    "O'Neill",
    "Kari B. Hansen",
    "K.B. Hansen",  # initials are not a web address
    "J. R. R. Tolkien",
    "Ola 2",
    "Áile Ŋuolja",  # Northern Sami
    "Nguyễn Văn An",
    "Ола",  # Cyrillic
    "李小龙",
    "அனிதா",  # Tamil: vowel signs are combining marks
    "अनिल",  # Devanagari
    "Jose\u0301",  # an accent typed as a separate (combining) character
    "Ma\u0308ret",
]

INVALID_NAMES = [
    ("K", "too_short"),
    ("   K   ", "too_short"),
    ("", "too_short"),
    ("kari@example.org", "address"),
    ("kari(at)example.org", "address"),
    ("https://example.org", "address"),
    ("http://x", "address"),
    ("www.example.org", "address"),
    ("example.com", "address"),
    ("Kari.no", "address"),
    ("Kari!", "invalid"),
    ("_Kari", "invalid"),
    ("Kari_", "invalid"),
    ("-Kari", "invalid"),
    ("Kari.", "invalid"),
    ("Kari 😀", "invalid"),
    ("Ka\u200bri", "invalid"),  # zero-width space
    ("Ka\u202eri", "invalid"),  # right-to-left override
    ("Ka\nri", "invalid"),
    ("Ka\u00a0ri", "invalid"),  # no-break space
    ("ｋａｒｉ＠ｅｘａｍｐｌｅ", "invalid"),  # full-width at sign
    ("<b>Kari</b>", "invalid"),
    ("\u0301Kari", "invalid"),  # a combining mark with nothing to sit on
    ("Ka\u0336\u0337\u0338ri", "invalid"),  # "Zalgo" decoration
]


@pytest.mark.parametrize("name", VALID_NAMES)
def test_display_name_accepts(name):
    validate_display_name(name)


@pytest.mark.parametrize(("name", "code"), INVALID_NAMES)
def test_display_name_rejects(name, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_display_name(name)
    assert excinfo.value.code == code


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("41234567", "+4741234567"),
        ("412 34 567", "+4741234567"),
        ("+47 412 34 567", "+4741234567"),
        ("004741234567", "+4741234567"),
        ("22 00 00 00", "+4722000000"),  # fixed-line numbers are valid too
        ("+46 70 123 45 67", "+46701234567"),
    ],
)
def test_phone_is_normalised_to_e164(raw, normalised):
    assert normalise_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["123", "abc", "+47 123", "4123456789012"])
def test_phone_rejects_invalid_numbers_with_a_message(raw):
    with pytest.raises(ValidationError) as excinfo:
        normalise_phone(raw)
    assert excinfo.value.code == "invalid_phone"
    with translation.override("en"):
        assert "8 digits" in excinfo.value.messages[0]
    with translation.override("nb"):
        assert "8 sifre" in excinfo.value.messages[0]
