from django.contrib import admin

from .models import AuditEvent, Heartbeat


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail by numbers, as on the audit page: accounts by id, never by name."""

    list_display = ["created_at", "event", "actor_id", "target_type", "target_id"]
    list_filter = ["event"]
    search_fields = ["event", "target_id"]
    fields = readonly_fields = (
        "created_at",
        "actor_id",
        "event",
        "target_type",
        "target_id",
        "data",
    )

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    # An audit trail the audited can prune is no trail.
    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["component", "last_seen"]
