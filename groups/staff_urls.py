"""The staff area under /personale/ (``groups.views_staff``), its own namespace ``staff``."""

from django.urls import path

from . import views_staff

app_name = "staff"

urlpatterns = [
    path("", views_staff.staff_home, name="staff_home"),
    path("distrikt/<slug:slug>/", views_staff.district_detail, name="district_detail"),
    path(
        "kontaktpunkt/<slug:slug>/",
        views_staff.contact_point_detail,
        name="contact_point_detail",
    ),
    path("grupper/ny/", views_staff.group_create, name="group_create"),
    path("grupper/<slug:slug>/", views_staff.group_staff_detail, name="group_staff_detail"),
    path("grupper/<slug:slug>/endre/", views_staff.group_edit, name="group_edit"),
    path(
        "grupper/<slug:slug>/igangsettere/", views_staff.group_initiators, name="group_initiators"
    ),
    path(
        "grupper/<slug:slug>/igangsettere/meg/",
        views_staff.group_initiator_self,
        name="group_initiator_self",
    ),
    path(
        "grupper/<slug:slug>/handling/<str:action>/",
        views_staff.group_staff_action,
        name="group_staff_action",
    ),
    path("stotte/", views_staff.support_requests, name="support_requests"),
    path("stotte/<int:pk>/svar/", views_staff.support_request_answer, name="support_answer"),
]
