"""Which language a reader gets: texts stored in each language, and the cookie.

Texts stored in the database in each language (theme names, pledge texts)
follow one rule for which one a reader gets, in one place: English to someone who
reads English, Nynorsk to someone who reads Nynorsk where a Nynorsk text is
written, and Bokmål otherwise. Bokmål is the platform's first language and
always written; a Nynorsk or English text may be added after it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBase
from django.utils import translation


def pick(*, nb: str, nn: str = "", en: str = "", language: str | None = None) -> str:
    """The text for ``language`` (the active language if not given)."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if code == "en":
        return en or nb
    if code == "nn":
        return nn or nb
    return nb


def remember_language(response: HttpResponseBase, language: str) -> None:
    """Make ``language`` the interface language from this response on.

    Activates it for the rest of the request and sets the language cookie
    that ``LocaleMiddleware`` reads first: the language switcher, a saved
    profile and a login (the profile's language) all go through here.
    """
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
