"""The labels allauth's forms put on our pages, in our catalogue.

allauth builds some words into its forms in Python: field labels, a
placeholder, the "forgotten password" link under a password field. The
msgids below are allauth's own, marked here so that ``makemessages`` keeps
them in ``locale/*/LC_MESSAGES/django.po``. Our catalogue comes before
allauth's, so our Bokmål replaces allauth's stiffer wording and our Nynorsk
fills the language allauth does not have. Its pages, messages, e-mails and
error messages are ours already: ``templates/account/``, ``templates/mfa/``
and ``accounts.adapter``.

``tests/accounts/test_allauth_text.py`` checks that each msgid is still
allauth's, so that an upgrade that rewords one cannot slip by untranslated.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

LABELS = (
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Remember Me"),
    gettext_noop("Forgot your password?"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Code"),
    gettext_noop("Authenticator code"),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Use your password"),
    gettext_noop("Use authenticator app or code"),
)
