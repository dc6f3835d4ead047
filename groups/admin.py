from typing import Any

from django.contrib import admin

from .models import Group, Theme
from .signals import SCHEDULE_FIELDS, announce_schedule_change, announce_state_change


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name_nb", "name_en", "is_mixed", "sort_order"]
    prepopulated_fields = {"slug": ["name_nb"]}


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "format", "kommune", "contact_point"]
    list_filter = ["state", "format", "theme"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["kommune", "contact_point", "created_by"]

    def save_model(self, request: Any, obj: Group, form: Any, change: bool) -> None:
        """Save, and announce a new state or meeting time like the services do."""
        previous = form.initial.get("state", "") if change else ""
        super().save_model(request, obj, form, change)
        if not change or "state" in form.changed_data:
            announce_state_change(group=obj, previous=previous)
        if change and set(form.changed_data) & set(SCHEDULE_FIELDS):
            announce_schedule_change(group=obj)


# Memberships are deliberately not in the admin: who is in which group is
# not something national staff need to see (docs/privacy.md).
