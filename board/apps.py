from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardConfig(AppConfig):
    name = "board"
    verbose_name = _("Message board")

    def ready(self) -> None:
        from groups import inside

        from . import selectors, signals  # noqa: F401  (connects the receiver)

        # The inside page links to the board and says how many messages are new.
        inside.register("board", selectors.inside_page_part)
