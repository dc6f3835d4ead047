"""``tel:`` links from phone numbers as contact points type them."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from core.templatetags.phone import tel_uri


@pytest.mark.parametrize(
    ("number", "uri"),
    [
        ("+47 000 00 101", "tel:+4700000101"),  # the demo data's style
        ("22 00 00 00", "tel:+4722000000"),  # Norwegian without a country code
        (" +4732000000 ", "tel:+4732000000"),
        ("(+47) 22-00-00-00", "tel:+4722000000"),
        ("+46 8 123 456 78", "tel:+46812345678"),
        ("113", "tel:113"),  # emergency and other short numbers keep their digits
        ("116 123", "tel:116123"),
    ],
)
def test_tel_uri_has_no_spaces_and_a_country_code(number, uri):
    assert tel_uri(number) == uri


def test_contact_card_link_and_text():
    html = Template('{% load phone %}<a href="{{ n|tel_uri }}">{{ n }}</a>').render(
        Context({"n": "+47 000 00 101"})
    )
    assert html == '<a href="tel:+4700000101">+47 000 00 101</a>'
