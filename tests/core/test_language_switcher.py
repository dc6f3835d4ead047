"""The language switcher kept per language gives what its template gives on every page."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from core.templatetags.languages import language_switcher

PATHS = [
    "/",
    "/grupper/?q=Bø i Telemark&radius=25&theme=sorg&theme=angst",
    "/grupper/?q=%3Cscript%3E&x='\"<>&",
    "/inne/abc/moter/3/",
]


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
@pytest.mark.parametrize("path", PATHS)
def test_the_switcher_is_what_its_template_writes(language, path):
    request = RequestFactory().get(path)
    with translation.override(language):
        fast = language_switcher({"request": request})
        slow = render_to_string("includes/language_switcher.html", {"request": request})
    assert fast == slow
    assert "next=" in fast


def test_without_a_request_the_way_back_is_empty_as_in_the_template():
    with translation.override("nb"):
        fast = language_switcher({})
        assert fast == render_to_string("includes/language_switcher.html", {})
    assert 'next=" class=' in fast
