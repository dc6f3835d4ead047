"""Django's password rules, each with a short line of help.

Django's own help texts are four long sentences ("Your password can't be
too similar to your other personal information."); under a password field
they read as one block. These say the same as a short list, in the order
people need them. The checks themselves, and their error messages, are
Django's.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext, ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_help_text(self) -> str:
        return ngettext(
            "At least %(min_length)d character.",
            "At least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_help_text(self) -> str:
        return gettext("Not only digits.")


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_help_text(self) -> str:
        return gettext("Not a common password.")


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_help_text(self) -> str:
        return gettext("Not like your e-mail address or your name.")
