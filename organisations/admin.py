from django.contrib import admin

from .models import ContactPoint, District, StaffRole


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "office_town", "email"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ContactPoint)
class ContactPointAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "kommune", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["kommune"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "district", "contact_point", "granted_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user", "contact_point", "granted_by"]
