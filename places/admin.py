from django.contrib import admin

from .models import Fylke, Kommune


@admin.register(Fylke)
class FylkeAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "district"]
    list_editable = ["district"]


@admin.register(Kommune)
class KommuneAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "fylke"]
    list_filter = ["fylke"]
    search_fields = ["name", "number"]
