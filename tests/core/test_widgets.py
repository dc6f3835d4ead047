"""The widgets that write their HTML in Python give what the templates give."""

from __future__ import annotations

import pytest
from django import forms

from core import widgets

CASES = [
    (widgets.TextInput(), forms.TextInput(), "q", None, {"id": "id_q"}),
    (
        widgets.TextInput(attrs={"autocomplete": "off", "list": "x", "spellcheck": "false"}),
        forms.TextInput(attrs={"autocomplete": "off", "list": "x", "spellcheck": "false"}),
        "q",
        'Bø i "Telemark" <&>',
        {"id": "id_q", "aria-describedby": "id_q_helptext", "aria-invalid": "true"},
    ),
    (
        widgets.TextInput(attrs={"class": "wide"}),
        forms.TextInput(attrs={"class": "wide"}),
        "q",
        "",
        {"required": True, "disabled": False, "maxlength": 80},
    ),
    (widgets.HiddenInput(), forms.HiddenInput(), "lat", 59.91, {"id": "id_lat"}),
    (
        widgets.HiddenInput(attrs={"class": "x"}),
        forms.HiddenInput(attrs={"class": "x"}),
        "l",
        None,
        {},
    ),
]

CHOICES = [(5, "5 km"), (25, "25 km"), ("<b>", 'a "b" <c>')]


@pytest.mark.parametrize(("fast", "slow", "name", "value", "attrs"), CASES)
def test_an_input_is_written_as_its_template_writes_it(fast, slow, name, value, attrs):
    assert fast.render(name, value, attrs) == slow.render(name, value, attrs)


@pytest.mark.parametrize("value", [None, 25, "25", "<b>", 7])
@pytest.mark.parametrize(
    "attrs", [{"id": "id_radius"}, {"id": "r", "class": "c", "required": True}]
)
def test_a_select_is_written_as_its_template_writes_it(value, attrs):
    fast, slow = widgets.Select(choices=CHOICES), forms.Select(choices=CHOICES)
    assert fast.render("radius", value, attrs) == slow.render("radius", value, attrs)


def test_option_groups_go_to_the_template():
    grouped = [("Nær", [(5, "5 km")]), ("Langt", [(100, "100 km")])]
    fast, slow = widgets.Select(choices=grouped), forms.Select(choices=grouped)
    assert fast.render("radius", 5, {}) == slow.render("radius", 5, {})
