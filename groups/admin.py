from django.contrib import admin

from .models import Group, Theme


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


# Memberships are deliberately not in the admin: who is in which group is
# not something national staff need to see (docs/privacy.md).
