"""Form widgets that write their HTML in Python instead of through templates.

For the few controls on the finder, which is rendered on every search: each
control through the template engine (the widget's template, ``attrs.html``,
one template per ``<option>``) cost about a millisecond of a search's Python,
and the filters' checkboxes about four when their HTML was not cached.
The HTML is the same as the templates give, checked in
``tests/core/test_widgets.py``; anything these do not know how to write goes
to the templates as before.
"""

from __future__ import annotations

from html import escape  # what django.utils.html.escape does, without its lazy-text wrapper
from typing import Any

from django import forms
from django.forms import BoundField
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# Widgets whose template is Django's input.html and nothing else.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "search", "hidden", "number", "email", "tel", "url")
)
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
# Lists of checkboxes or radio buttons: multiple_input.html, one input_option.html each.
_MULTIPLE_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("checkbox_select", "radio")
)
_INPUT_OPTION_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}_option.html" for name in ("checkbox", "radio")
)


def _e(value: Any) -> str:
    """``conditional_escape`` without its lazy-text wrapper: safe HTML as it is, else escaped."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value))


def attrs_html(widget: dict[str, Any]) -> str:
    """``templates/django/forms/widgets/attrs.html`` (Designsystemet's ``ds-input`` class)."""
    attrs = widget["attrs"]
    css = attrs.get("class")
    parts = []
    if widget.get("type", "") not in ("hidden", "select"):
        parts.append(f' class="ds-input {_e(css)}"' if css else ' class="ds-input"')
    elif css:
        parts.append(f' class="{_e(css)}"')
    for name, value in attrs.items():
        if value is False or name == "class":
            continue
        if value is True:
            parts.append(f" {_e(name)}")
        else:
            parts.append(f' {_e(name)}="{_e(value)}"')
    return "".join(parts)


def input_html(widget: dict[str, Any]) -> SafeString:
    """Django's ``input.html``."""
    value = "" if widget["value"] is None else f' value="{_e(widget["value"])}"'
    return mark_safe(  # noqa: S308 (every value escaped by _e)
        f'<input type="{_e(widget["type"])}" name="{_e(widget["name"])}"{value}'
        f"{attrs_html(widget)}>"
    )


def select_html(widget: dict[str, Any]) -> SafeString | None:
    """Django's ``select.html`` with ``select_option.html``; ``None`` for option groups."""
    options = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            return None
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
            options.append(
                f'\n  <option value="{_e(option["value"])}"{attrs_html(option)}>'
                f"{_e(option['label'])}</option>\n"
            )
    return mark_safe(  # noqa: S308 (every value escaped by _e)
        f'<select name="{_e(widget["name"])}"{attrs_html(widget)}>{"".join(options)}\n</select>'
    )


def multiple_input_html(widget: dict[str, Any]) -> SafeString | None:
    """Django's ``multiple_input.html`` with ``input_option.html``, for checkboxes and radio
    buttons; ``None`` for option groups."""
    options = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            return None
        for option in group_choices:
            if option["template_name"] not in _INPUT_OPTION_TEMPLATES:
                return None
            control: str = input_html(option)
            if option["wrap_label"]:
                option_id = option["attrs"].get("id")
                label_for = f' for="{_e(option_id)}"' if option_id else ""
                control = f"<label{label_for}>{control}\n {_e(option['label'])}</label>"
            options.append(f"<div>\n    {control}\n\n</div>")
    widget_id = widget["attrs"].get("id")
    css = widget["attrs"].get("class")
    id_html = f' id="{_e(widget_id)}"' if widget_id else ""
    class_html = f' class="{_e(css)}"' if css else ""
    return mark_safe(  # noqa: S308 (every value escaped by _e)
        f"<div{id_html}{class_html}>{''.join(options)}\n</div>"
    )


class PlainHTMLMixin:
    """Render with ``input_html``/``select_html`` where they apply, else with the template."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> str:
        widget = context["widget"]
        html: SafeString | None = None
        if template_name in _INPUT_TEMPLATES:
            html = input_html(widget)
        elif template_name == _SELECT_TEMPLATE:
            html = select_html(widget)
        elif template_name in _MULTIPLE_TEMPLATES:
            html = multiple_input_html(widget)
        if html is not None:
            return html
        return super()._render(template_name, context, renderer)  # type: ignore[misc]


class TextInput(PlainHTMLMixin, forms.TextInput):
    pass


class HiddenInput(PlainHTMLMixin, forms.HiddenInput):
    pass


class Select(PlainHTMLMixin, forms.Select):
    pass


class CheckboxSelectMultiple(PlainHTMLMixin, forms.CheckboxSelectMultiple):
    pass


class RadioSelect(PlainHTMLMixin, forms.RadioSelect):
    pass


def field_html(field: BoundField) -> SafeString | None:
    """``templates/includes/field.html`` for a field without errors: a list of checkboxes
    or radio buttons in its fieldset with a legend, or a control with its label. ``None``
    for a field with errors or a single checkbox, and the caller renders the template.
    The same HTML up to whitespace between tags, checked in ``tests/core/test_widgets.py``."""
    if field.errors or (not field.use_fieldset and field.widget_type == "checkbox"):
        return None
    optional = (
        ""
        if field.field.required
        else f' <span class="field__optional">({_e(gettext("optional"))})</span>'
    )
    help_html = (
        f'<div class="field__help" data-field="description" id="{_e(field.auto_id)}_helptext">'
        f"{field.help_text}</div>\n"
        if field.help_text
        else ""
    )
    if not field.use_fieldset:
        return mark_safe(  # noqa: S308 (values escaped by _e; help text is HTML, as in the template)
            '<div class="ds-field field">\n'
            f'<label class="ds-label" for="{_e(field.id_for_label)}">{_e(field.label)}{optional}'
            f"</label>\n{help_html}{field}\n</div>"
        )
    described = field.aria_describedby
    described_html = f' aria-describedby="{_e(described)}"' if described else ""
    return mark_safe(  # noqa: S308 (values escaped by _e; help text is HTML, as in the template)
        f'<fieldset class="ds-fieldset field"{described_html}>\n'
        f'<legend class="ds-label">{_e(field.label)}{optional}</legend>\n'
        f"{help_html}{field}\n</fieldset>"
    )


def field_block(field: BoundField) -> SafeString:
    """``includes/field.html`` for ``field``: written by ``field_html`` where it can be,
    else by the template."""
    html = field_html(field)
    if html is None:
        html = mark_safe(render_to_string("includes/field.html", {"field": field}))  # noqa: S308
    return html
