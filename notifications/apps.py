from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.utils.module_loading import autodiscover_modules

        from .signals import tell_about_bounces

        # Each app that sends messages registers their renderers in its own
        # ``messages.py``; the outbox itself knows none of them.
        autodiscover_modules("messages")
        user_logged_in.connect(tell_about_bounces, dispatch_uid="notifications.bounces")
