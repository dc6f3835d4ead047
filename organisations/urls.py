from django.urls import include, path

from groups import views as group_views

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.staff_home, name="staff_home"),
    path("distrikt/<slug:slug>/", views.district_detail, name="district_detail"),
    path("kontaktpunkt/<slug:slug>/", views.contact_point_detail, name="contact_point_detail"),
    # Setting up groups and following them up (views in groups.views).
    path("grupper/ny/", group_views.group_create, name="group_create"),
    path("grupper/<slug:slug>/", group_views.group_staff_detail, name="group_staff_detail"),
    path("grupper/<slug:slug>/endre/", group_views.group_edit, name="group_edit"),
    path(
        "grupper/<slug:slug>/handling/<str:action>/",
        group_views.group_staff_action,
        name="group_staff_action",
    ),
    path("stotte/", group_views.support_requests, name="support_requests"),
    path("stotte/<int:pk>/svar/", group_views.support_request_answer, name="support_answer"),
    # Staff invitations (organisations.views_invitations).
    path("", include("organisations.urls_invitations")),
]
