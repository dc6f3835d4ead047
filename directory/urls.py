from django.urls import path

from . import views, views_information
from .outreach import Sheet

app_name = "directory"

# Mounted at the root before "grupper/": a group's report page lives under it.
urlpatterns = [
    path("kontaktpunkter/", views.directory_list, name="list"),
    path("kontaktpunkter/<slug:slug>/", views.directory_detail, name="detail"),
    path("kontaktpunkter/<slug:slug>/meld-fra/", views.report_contact_point, name="report"),
    # A contact point's public information meetings, each with a calendar file.
    path(
        "kontaktpunkter/<slug:slug>/informasjonsmoter/<int:pk>/",
        views_information.information_meeting_detail,
        name="information_meeting",
    ),
    path(
        "kontaktpunkter/<slug:slug>/informasjonsmoter/<int:pk>/kalender.ics",
        views_information.information_meeting_ics,
        name="information_meeting_ics",
    ),
    path("grupper/<slug:slug>/meld-fra/", views.report_group, name="report_group"),
    # Printable outreach material: a poster (A4) and a card (A6).
    path(
        "kontaktpunkter/<slug:slug>/plakat/",
        views.contact_point_sheet,
        {"sheet": Sheet.POSTER},
        name="contact_point_poster",
    ),
    path(
        "kontaktpunkter/<slug:slug>/kort/",
        views.contact_point_sheet,
        {"sheet": Sheet.CARD},
        name="contact_point_card",
    ),
    path(
        "grupper/<slug:slug>/plakat/",
        views.group_sheet,
        {"sheet": Sheet.POSTER},
        name="group_poster",
    ),
    path("grupper/<slug:slug>/kort/", views.group_sheet, {"sheet": Sheet.CARD}, name="group_card"),
]
