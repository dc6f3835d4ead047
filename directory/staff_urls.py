"""A contact point's own entry in the directory and its reports, under /personale/."""

from django.urls import path

from . import views

app_name = "directory_staff"

urlpatterns = [
    path("kontaktpunkt/<slug:slug>/oppforing/", views.entry_edit, name="entry_edit"),
    path("kontaktpunkt/<slug:slug>/endringsmeldinger/", views.reports, name="reports"),
    path(
        "kontaktpunkt/<slug:slug>/endringsmeldinger/<int:pk>/behandlet/",
        views.report_handled,
        name="report_handled",
    ),
]
