"""Form widgets that write their HTML in Python instead of through templates.

For the few controls on the finder, which is rendered on every search: each
control through the template engine (the widget's template, ``attrs.html``,
one template per ``<option>``) cost about a millisecond of a search's Python.
The HTML is the same as the templates give, checked in
``tests/core/test_widgets.py``; anything these do not know how to write goes
to the templates as before.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Widgets whose template is Django's input.html and nothing else.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "search", "hidden", "number", "email", "tel", "url")
)
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def attrs_html(widget: dict[str, Any]) -> SafeString:
    """``templates/django/forms/widgets/attrs.html`` (Designsystemet's ``ds-input`` class)."""
    attrs = widget["attrs"]
    css = attrs.get("class")
    parts = []
    if widget.get("type", "") not in ("hidden", "select"):
        parts.append(format_html(' class="ds-input{}"', f" {css}" if css else ""))
    elif css:
        parts.append(format_html(' class="{}"', css))
    for name, value in attrs.items():
        if value is False or name == "class":
            continue
        if value is True:
            parts.append(format_html(" {}", name))
        else:
            parts.append(format_html(' {}="{}"', name, str(value)))
    return mark_safe("".join(parts))  # noqa: S308 (each part escaped by format_html)


def input_html(widget: dict[str, Any]) -> SafeString:
    """Django's ``input.html``."""
    value = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, attrs_html(widget)
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
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    attrs_html(option),
                    option["label"],
                )
            )
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        attrs_html(widget),
        mark_safe("".join(options)),  # noqa: S308 (each option escaped by format_html)
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
        if html is not None:
            return html
        return super()._render(template_name, context, renderer)  # type: ignore[misc]


class TextInput(PlainHTMLMixin, forms.TextInput):
    pass


class HiddenInput(PlainHTMLMixin, forms.HiddenInput):
    pass


class Select(PlainHTMLMixin, forms.Select):
    pass
