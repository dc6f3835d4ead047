from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from django.db.models.signals import post_init, post_save

        from groups.models import Group

        from . import signals

        post_init.connect(signals.remember_schedule, sender=Group, dispatch_uid="meetings-init")
        post_save.connect(signals.schedule_saved, sender=Group, dispatch_uid="meetings-save")
