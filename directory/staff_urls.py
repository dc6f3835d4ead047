"""A contact point's own entry in the directory and its reports, under /personale/."""

from django.urls import path

from . import views, views_information

app_name = "directory_staff"

urlpatterns = [
    path("kontaktpunkt/<slug:slug>/oppforing/", views.entry_edit, name="entry_edit"),
    path("kontaktpunkt/<slug:slug>/endringsmeldinger/", views.reports, name="reports"),
    path(
        "kontaktpunkt/<slug:slug>/endringsmeldinger/<int:pk>/behandlet/",
        views.report_handled,
        name="report_handled",
    ),
    path(
        "kontaktpunkt/<slug:slug>/informasjonsmoter/",
        views_information.information_meetings,
        name="information_meetings",
    ),
    path(
        "kontaktpunkt/<slug:slug>/informasjonsmoter/ny/",
        views_information.information_meeting_create,
        name="information_meeting_create",
    ),
    path(
        "kontaktpunkt/<slug:slug>/informasjonsmoter/<int:pk>/endre/",
        views_information.information_meeting_edit,
        name="information_meeting_edit",
    ),
    path(
        "kontaktpunkt/<slug:slug>/informasjonsmoter/<int:pk>/avlys/",
        views_information.information_meeting_cancel,
        name="information_meeting_cancel",
    ),
]
