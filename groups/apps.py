from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Self-help groups")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from organisations.invitations import accept_hook_register
        from organisations.models import ContactPoint, InformationMeeting
        from places.models import Fylke, Kommune

        # Registers the SQLite distance function on every new connection.
        from . import search  # noqa: F401
        from .cards import facts_forget
        from .information_meetings import listed_points_forget
        from .models import Theme
        from .selectors import theme_choices_forget
        from .services import initiator_invitation_accepted

        # An accepted invitation to guide a group makes its initiator.
        accept_hook_register(initiator_invitation_accepted)
        # The finder's theme choices are cached between requests.
        post_save.connect(theme_choices_forget, sender=Theme, dispatch_uid="groups-theme-saved")
        post_delete.connect(theme_choices_forget, sender=Theme, dispatch_uid="groups-theme-deleted")
        # So are the points of the information meetings it shows beside them.
        for sender in (InformationMeeting, ContactPoint):
            for signal, when in ((post_save, "saved"), (post_delete, "deleted")):
                uid = f"groups-information-meetings-{sender.__name__}-{when}"
                signal.connect(listed_points_forget, sender=sender, dispatch_uid=uid)
        # And the kommuner and contact points its cards and the API's listings name.
        for named in (Kommune, Fylke, ContactPoint):
            for signal, when in ((post_save, "saved"), (post_delete, "deleted")):
                uid = f"groups-card-facts-{named.__name__}-{when}"
                signal.connect(facts_forget, sender=named, dispatch_uid=uid)
