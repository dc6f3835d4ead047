from django.urls import path

from . import views, views_guide, views_rotation

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("mine/", views.my_groups, name="mine"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/inne/", views.group_inside_page, name="inside"),
    path("<slug:slug>/inne/tre-tilbake/", views.group_step_back, name="step_back"),
    path("<slug:slug>/inne/stotte/", views.group_support_request, name="support_request"),
    path("<slug:slug>/inne/motet/", views_rotation.meeting_guide, name="meeting_guide"),
    path("<slug:slug>/inne/oppstart/", views_guide.starting_guide, name="starting_guide"),
    path(
        "<slug:slug>/inne/oppstart/kryss/",
        views_guide.starting_guide_tick,
        name="starting_guide_tick",
    ),
    path("<slug:slug>/inne/vert/", views_rotation.hosting_toggle, name="hosting_toggle"),
    path("<slug:slug>/inne/vert/bytt/", views_rotation.host_turn_swap, name="host_turn_swap"),
    path(
        "<slug:slug>/inne/kontaktperson/",
        views_rotation.contact_person_hand_on,
        name="contact_person_hand_on",
    ),
]
