from django.contrib import admin

from .models import Fylke, Kommune, PostalCode


@admin.register(Fylke)
class FylkeAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "district"]
    list_editable = ["district"]


@admin.register(Kommune)
class KommuneAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "fylke"]
    list_filter = ["fylke"]
    search_fields = ["name", "other_names", "number"]


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "place", "kommune"]
    list_select_related = ["kommune"]
    search_fields = ["code", "place", "kommune__name"]
    raw_id_fields = ["kommune"]
