"""Texts stored in the database in each language: theme names, pledge texts.

The rule for which one a reader gets, in one place: English to someone who
reads English, Nynorsk to someone who reads Nynorsk where a Nynorsk text is
written, and Bokmål otherwise. Bokmål is the platform's first language and
always written; a Nynorsk or English text may be added after it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def pick(*, nb: str, nn: str = "", en: str = "", language: str | None = None) -> str:
    """The text for ``language`` (the active language if not given)."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if code == "en":
        return en or nb
    if code == "nn":
        return nn or nb
    return nb
