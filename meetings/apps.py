from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from groups import inside, lifecycle
        from groups.models import Group
        from groups.signals import group_state_changed, schedule_changed

        from . import nudge, selectors, services, signals

        group_state_changed.connect(signals.regenerate, dispatch_uid="meetings-state")
        schedule_changed.connect(signals.regenerate, dispatch_uid="meetings-schedule")
        inside.register("meetings", selectors.inside_page_part)
        # The last initiator steps back once the group has met (groups.lifecycle).
        lifecycle.meetings_held_register(lambda group: nudge.meetings_since_start(group=group))
        # A new meeting time the members agreed on (decisions).
        from decisions import kinds
        from decisions.models import Proposal

        kinds.register(
            Proposal.Kind.SCHEDULE,
            carry_out=services.schedule_carry_out,
            proposable=lambda group: group.state == Group.State.SELF_RUN,
            is_so=services.schedule_is_so,
        )
