from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JoiningConfig(AppConfig):
    name = "joining"
    verbose_name = _("Joining groups")

    def ready(self) -> None:
        from .services import register_consent_kinds

        # Where every member must agree, decisions asks them; this says what follows.
        register_consent_kinds()
