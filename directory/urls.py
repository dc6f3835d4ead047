from django.urls import path

from . import views

app_name = "directory"

# Mounted at the root before "grupper/": a group's report page lives under it.
urlpatterns = [
    path("kontaktpunkter/", views.directory_list, name="list"),
    path("kontaktpunkter/<slug:slug>/", views.directory_detail, name="detail"),
    path("kontaktpunkter/<slug:slug>/meld-fra/", views.report_contact_point, name="report"),
    path("grupper/<slug:slug>/meld-fra/", views.report_group, name="report_group"),
]
