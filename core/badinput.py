"""Input no view should ever see: control characters and out-of-range integers.

``core.middleware.BadInputMiddleware`` runs :func:`find_bad_input` on every
request before any view, so no form, query parameter or JSON field (the
Django admin's and allauth's included) can carry such values to the database,
where they fail as errors instead of as answers: PostgreSQL refuses NUL in
text (``DataError``), SQLite cannot bind an integer beyond 64 bits
(``OverflowError``), and Django's ``__in`` lookups (a
``ModelMultipleChoiceField``, the admin's ``?id__in=`` filters) pass such
numbers through unchecked.

Control characters are Unicode's category Cc: C0 (U+0000–U+001F), DEL and
C1 (U+0080–U+009F). Text never holds them, except that a field's value may
hold a tab or a line break: a textarea sends its lines with CR LF, and a tab
can be pasted into any text box. A path, a field's name and every other
control character have no such excuse.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The same rules as JSON Schema ``pattern``s, for the API's schema.
NAME_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
VALUE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
# What SQLite's INTEGER and PostgreSQL's bigint hold, and so every id.
INTEGER_MIN, INTEGER_MAX = -(2**63), 2**63 - 1
# Django's IntegerField reads "12.0" as 12.
_DECIMAL_ZEROS = re.compile(r"\.0*\s*$")
# A name shown back in a message is cut to this length.
NAME_LIMIT = 40

CONTROL_IN_PATH = _(
    "The address contains a control character, an invisible character that "
    "addresses never hold. Check the address and try again."
)
CONTROL_IN_NAME = _(
    "The request contains a field name with a control character, an invisible "
    "character that names never hold. Go back and try again."
)


def control_in_field(name: str) -> str:
    return gettext(
        "The field “%(name)s” contains a control character, an invisible character "
        "that text never holds (such as a null byte). Remove it and try again."
    ) % {"name": name[:NAME_LIMIT]}


def number_too_long(name: str) -> str:
    return gettext(
        "The number in the field “%(name)s” is too long to be valid. Check the number "
        "and try again."
    ) % {"name": name[:NAME_LIMIT]}


def _integer(text: str) -> int | None:
    try:
        return int(_DECIMAL_ZEROS.sub("", text))
    except ValueError:  # not a number, or more digits than Python reads
        return None


def out_of_range(value: str) -> bool:
    """Whether ``value`` is a whole number beyond 64 bits, or a comma-separated
    list of whole numbers (the admin's ``__in`` filters) with one beyond.

    Read as ``int()`` reads it (signs, spaces, underscores, any script's
    digits), because that is how Django turns it into an id.
    """
    if len(value) < 19:  # 18 digits and a sign always fit
        return False
    beyond = False
    for part in value.split(","):
        number = _integer(part)
        if number is None:
            return False  # text, which no lookup turns into a number
        beyond = beyond or not INTEGER_MIN <= number <= INTEGER_MAX
    return beyond


def _check_field(name: str, values: list[Any]) -> str | None:
    if CONTROL.search(name):
        return str(CONTROL_IN_NAME)
    for value in values:
        if not isinstance(value, str):
            continue  # an uploaded file
        if CONTROL_IN_VALUE.search(value):
            return control_in_field(name)
        if out_of_range(value):
            return number_too_long(name)
    return None


def _check_json(document: Any) -> str | None:
    """Walks a parsed JSON body without recursion (its nesting is the client's choice)."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if CONTROL.search(key):
                    return str(CONTROL_IN_NAME)
                stack.append((key, item))
        elif isinstance(value, list):
            stack.extend((name, item) for item in value)
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not INTEGER_MIN <= value <= INTEGER_MAX:
                return number_too_long(name)
        elif isinstance(value, str):
            problem = _check_field(name, [value])
            if problem is not None:
                return problem
    return None


def find_bad_input(request: HttpRequest) -> str | None:
    """A message for the first bad value in the path, query, form or JSON body.

    ``None`` when there is none. A body that is not JSON is left to the view,
    which answers it as it answers any malformed body.
    """
    if CONTROL.search(request.path_info):
        return str(CONTROL_IN_PATH)
    for name, values in request.GET.lists():
        problem = _check_field(name, values)
        if problem is not None:
            return problem
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, values in request.POST.lists():
            problem = _check_field(name, values)
            if problem is not None:
                return problem
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            document = json.loads(request.body)
        except (ValueError, RecursionError):
            return None
        return _check_json(document)
    return None
