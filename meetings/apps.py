from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from groups import inside
        from groups.signals import group_state_changed, schedule_changed

        from . import selectors, signals

        group_state_changed.connect(signals.regenerate, dispatch_uid="meetings-state")
        schedule_changed.connect(signals.regenerate, dispatch_uid="meetings-schedule")
        inside.register("meetings", selectors.inside_page_part)
