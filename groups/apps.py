from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Self-help groups")

    def ready(self) -> None:
        from organisations.invitations import accept_hook_register

        # Registers the SQLite distance function on every new connection.
        from . import search  # noqa: F401
        from .services import initiator_invitation_accepted

        # An accepted invitation to guide a group makes its initiator.
        accept_hook_register(initiator_invitation_accepted)
