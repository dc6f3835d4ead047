from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Self-help groups")

    def ready(self) -> None:
        # Registers the SQLite distance function on every new connection.
        from . import search  # noqa: F401
