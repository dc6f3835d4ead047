from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import renderers  # noqa: F401 (registers one renderer per kind)
        from .signals import tell_about_bounces

        user_logged_in.connect(tell_about_bounces, dispatch_uid="notifications.bounces")
