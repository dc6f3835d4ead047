from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictional demo data for development: ``manage.py seed_demo`` and ``demo_totp``."""

    name = "demo"
