from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Anonymous feedback")

    def ready(self) -> None:
        from groups import inside
        from joining import after_leaving

        from . import selectors

        # The inside page offers the questions after the fifth meeting; a member
        # who has just left is sent to them instead of to their list of groups.
        inside.register("feedback", selectors.inside_page_part)
        after_leaving.register(selectors.url_after_leaving)
