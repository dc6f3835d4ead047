"""Production settings for the load run, on plain HTTP over loopback.

Everything of ``selvhjelp.settings.prod`` (DEBUG off, PostgreSQL, Redis,
hashed static files, one trusted proxy) except what needs real TLS: the
load generator plays the reverse proxy on 127.0.0.1 (it sets
``X-Forwarded-For``), but without TLS a secure cookie would never come back.
"""

from __future__ import annotations

import os

from selvhjelp.settings.prod import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
