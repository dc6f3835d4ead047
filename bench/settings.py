"""Settings for the benchmarks: the base settings plus a hello-world URL.

``bench.urls`` adds ``/bench/hello/`` beside the project's URLs, so a server
started with these settings measures its own floor (routing, middleware,
WSGI) while the production URLconf stays untouched. ``DEBUG``, the database
and ``ALLOWED_HOSTS`` come from the environment as in the base settings.

With ``DEBUG`` off the base settings serve hashed static files from
``STATIC_ROOT`` (``collectstatic``); ``BENCH_STATIC_ROOT`` lets a benchmark
collect them into a scratch folder instead of the checkout.
"""

from __future__ import annotations

import os

from selvhjelp.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
