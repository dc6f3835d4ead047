from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PrivacyConfig(AppConfig):
    name = "privacy"

    def ready(self) -> None:
        # Every app's ``personal_data.py`` registers what it holds about a
        # person (``core.personal_data``); export, deletion and retention ask them.
        autodiscover_modules("personal_data")
