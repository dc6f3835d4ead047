from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BouncedAddress, OutgoingMessage


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """The outbox, for seeing what failed and why, and sending it again.

    Status, kind, channel and counts only (the filters show how many of each):
    a message's recipient, address, key and ``params`` together say who
    hears about which meeting or group, so none of them is shown. Message
    text is never stored.
    """

    list_display = (
        "pk",
        "kind",
        "channel",
        "status",
        "due_at",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "kind", "channel")
    show_facets = admin.ShowFacets.ALWAYS
    date_hierarchy = "due_at"
    fields = readonly_fields = (
        "kind",
        "channel",
        "status",
        "due_at",
        "next_attempt_at",
        "leased_until",
        "attempts",
        "claimed_at",
        "sent_at",
        "last_error",
        "created_at",
    )
    actions = ("retry_now",)

    def has_add_permission(self, request: object) -> bool:
        return False

    @admin.action(description=_("Try the selected failed messages again"))
    def retry_now(self, request: object, queryset: object) -> None:
        queryset.filter(status=OutgoingMessage.Status.FAILED).update(  # type: ignore[attr-defined]
            status=OutgoingMessage.Status.PENDING,
            next_attempt_at=timezone.now(),
            attempts=0,
            leased_until=None,
        )


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin):
    list_display = ("pk", "channel", "reason", "created_at", "notified_at")
    list_filter = ("channel",)
    readonly_fields = ("created_at", "notified_at")
