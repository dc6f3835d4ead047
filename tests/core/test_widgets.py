"""The widgets that write their HTML in Python give what the templates give."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

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


MULTIPLE_CHOICES = [("angst", "Angst"), ("sorg", "Sorg <og> savn"), ("<b>", 'a "b" <c>'), (3, "3")]


@pytest.mark.parametrize("value", [None, [], ["sorg"], ["angst", "<b>", 3], ["3"], "sorg"])
@pytest.mark.parametrize(
    "attrs", [{"id": "id_theme"}, {}, {"id": "t", "class": "c", "aria-describedby": "t_help"}]
)
@pytest.mark.parametrize(
    ("fast", "slow"),
    [
        (widgets.CheckboxSelectMultiple, forms.CheckboxSelectMultiple),
        (widgets.RadioSelect, forms.RadioSelect),
    ],
)
def test_checkboxes_and_radio_buttons_are_written_as_their_templates_write_them(
    fast, slow, value, attrs
):
    if slow is forms.RadioSelect and isinstance(value, list):
        value = value[0] if value else None
    assert fast(choices=MULTIPLE_CHOICES).render("theme", value, attrs) == slow(
        choices=MULTIPLE_CHOICES
    ).render("theme", value, attrs)


def test_checkbox_groups_go_to_the_template():
    grouped = [("Dager", [(1, "Mandag"), (2, "Tirsdag")]), ("Tid", [("m", "Morgen")])]
    fast = widgets.CheckboxSelectMultiple(choices=grouped)
    slow = forms.CheckboxSelectMultiple(choices=grouped)
    assert fast.render("w", [2], {"id": "id_w"}) == slow.render("w", [2], {"id": "id_w"})


def test_checkboxes_are_written_without_the_template_engine(monkeypatch):
    def no_templates(*args, **kwargs):
        raise AssertionError("rendered by a template")

    monkeypatch.setattr(forms.Widget, "_render", no_templates)
    html = widgets.CheckboxSelectMultiple(choices=MULTIPLE_CHOICES).render("t", ["sorg"], {})
    assert 'value="sorg" class="ds-input" checked>\n Sorg &lt;og&gt; savn</label>' in html


def _tags(html: str) -> str:
    """HTML with whitespace between tags dropped and every other run of it made one space."""
    return re.sub(r">\s*<", "><", re.sub(r"\s+", " ", html)).strip()


class _Filters(forms.Form):
    theme = forms.MultipleChoiceField(
        label="Tema <1>",
        required=False,
        choices=MULTIPLE_CHOICES,
        widget=widgets.CheckboxSelectMultiple,
    )
    day = forms.TypedMultipleChoiceField(
        label="Dag",
        choices=[(1, "Mandag"), (2, "Tirsdag")],
        coerce=int,
        help_text="Velg <em>én</em> eller flere",
        widget=widgets.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(
        label="Form", choices=[("a", "Fysisk"), ("b", "Digital")], widget=widgets.RadioSelect
    )
    q = forms.CharField(
        label="Sted <her>",
        required=False,
        help_text="Kommune, tettsted eller postnummer",
        widget=widgets.TextInput(attrs={"autocomplete": "off", "list": "place-suggestions"}),
    )
    radius = forms.TypedChoiceField(
        label="Avstand", choices=CHOICES[:2], coerce=int, widget=widgets.Select
    )
    agree = forms.BooleanField(label="Jeg lover", required=False)


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"theme": ["sorg", "<b>"], "day": ["2"], "kind": "b", "q": 'Bø "i" <T>', "radius": "25"},
        {"day": ["1"], "kind": "a", "radius": "5"},
    ],
)
def test_a_field_is_written_as_field_html_writes_it(language, data):
    form = _Filters(data)
    if data is not None:
        assert form.is_valid(), form.errors
    with translation.override(language):
        for field in form:
            fast = widgets.field_html(field)
            if field.name == "agree":
                assert fast is None, "a single checkbox is left to the template"
                continue
            slow = render_to_string("includes/field.html", {"field": field})
            assert fast is not None
            assert _tags(fast) == _tags(slow)


def test_a_field_with_errors_is_left_to_the_template():
    form = _Filters({"day": ["9"], "kind": "x", "radius": "7"})
    assert not form.is_valid()
    assert widgets.field_html(form["day"]) is None
    assert widgets.field_html(form["radius"]) is None
    assert widgets.field_html(form["theme"]) is not None
    assert widgets.field_html(form["q"]) is not None
