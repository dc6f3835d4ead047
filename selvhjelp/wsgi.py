"""WSGI entry point (gunicorn ``selvhjelp.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "selvhjelp.settings.base")

application = get_wsgi_application()
