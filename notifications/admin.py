from typing import Any

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BouncedAddress, OutgoingMessage


class DeliveryTroubleFilter(admin.SimpleListFilter):
    """Messages sent without knowing whether the server took them, or that lost a worker."""

    title = _("delivery trouble")
    parameter_name = "trouble"

    def lookups(self, request: object, model_admin: object) -> list[tuple[str, Any]]:
        return [
            ("unknown", _("Outcome unknown at least once")),
            ("lost", _("Worker lost at least once")),
        ]

    def queryset(self, request: object, queryset: Any) -> Any:
        if self.value() == "unknown":
            return queryset.filter(unknown_outcomes__gt=0)
        if self.value() == "lost":
            return queryset.filter(workers_lost__gt=0)
        return queryset


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
        "unknown_outcomes",
        "workers_lost",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "kind", "channel", DeliveryTroubleFilter)
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
        "unknown_outcomes",
        "workers_lost",
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
            workers_lost=0,
        )


@admin.register(BouncedAddress)
class BouncedAddressAdmin(admin.ModelAdmin):
    list_display = ("pk", "channel", "reason", "created_at", "notified_at")
    list_filter = ("channel",)
    readonly_fields = ("created_at", "notified_at")
