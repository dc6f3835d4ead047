"""The Celery application.

Configured from Django settings (``CELERY_*``). Without ``REDIS_URL`` the
broker is a folder under ``var/`` so that a real worker and beat run on a
machine with no broker server.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selvhjelp.settings.base")

app = Celery("selvhjelp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
