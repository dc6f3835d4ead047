"""Settings for the test suite.

Uses whatever database ``DATABASE_URL`` names (PostgreSQL in CI's second run),
otherwise SQLite. Tasks run eagerly unless a test starts real worker
processes (those tests pass the broker settings to the processes they start).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault(
    "SELVHJELP_VAR_DIR", str(Path(tempfile.gettempdir()) / f"selvhjelp-test-{os.getpid()}")
)

from .base import *  # noqa: F403
from .base import DATABASES, FRAGMENT_CACHE, LOGGING, VAR_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The floor that evens out the account forms' timing (tests/accounts/test_timing.py
# sets it) would only slow every sign-up in the suite.
SELVHJELP_ACCOUNT_FORM_FLOOR_MS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": FRAGMENT_CACHE,
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not ":memory:", so that worker processes started by tests can
    # open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
LOGGING["root"]["level"] = "WARNING"
# WhiteNoise would rescan the static folders for every new test client;
# the live server used by browser tests serves static files itself.
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
# Tests set the day with time-machine, which moves this process's clock and
# not the database server's; the outbox compares times by the application's
# clock here (the worker processes of the fault tests use the database's).
SELVHJELP_OUTBOX_DATABASE_CLOCK = False
