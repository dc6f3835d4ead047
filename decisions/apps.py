from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Deciding together")

    def ready(self) -> None:
        from groups import inside

        from . import kinds, selectors

        kinds.register_own_kinds()
        # The open proposals at the top of the group's inside page.
        inside.register("decisions", selectors.inside_page_part)
