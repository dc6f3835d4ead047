"""Production settings: PostgreSQL, Redis, real SMTP, HTTPS behind a proxy.

Starting without a required variable stops at once with a message that names
every missing one, instead of falling back to the embedded default.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

REQUIRED = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS")
_missing = [name for name in REQUIRED if not os.environ.get(name, "").strip()]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: "
        + ", ".join(_missing)
        + ". See README.md, section 'Configuration'."
    )
if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL in production.")
if len(os.environ["SECRET_KEY"]) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

os.environ.setdefault("DEBUG", "false")

from .base import *  # noqa: E402,F403
from .base import EMAIL_BACKEND, STORAGES, env  # noqa: E402

DEBUG = False
STORAGES["staticfiles"] = {"BACKEND": "core.storage.StaticFilesStorage"}
if EMAIL_BACKEND.endswith("console.EmailBackend"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# HTTPS is terminated by the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_REDIRECT_EXEMPT = [r"^helse/$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", "1"))
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
