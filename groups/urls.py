from django.urls import path

from . import views, views_guide, views_rotation

app_name = "groups"

urlpatterns = [
    path("grupper/", views.group_list, name="list"),
    path("grupper/mine/", views.my_groups, name="mine"),
    path("grupper/<slug:slug>/", views.group_detail, name="detail"),
    # Inside addresses name the group by its opaque token; the old ones by slug
    # still work for members, who are sent on to the new address.
    path("grupper/<slug:slug>/inne/", views.inside_old_address, name="inside_old_address"),
    path(
        "grupper/<slug:slug>/inne/<path:rest>",
        views.inside_old_address,
        name="inside_old_address_below",
    ),
    path("inne/<slug:token>/", views.group_inside_page, name="inside"),
    path("inne/<slug:token>/tre-tilbake/", views.group_step_back, name="step_back"),
    path("inne/<slug:token>/stotte/", views.group_support_request, name="support_request"),
    path("inne/<slug:token>/motet/", views_rotation.meeting_guide, name="meeting_guide"),
    path("inne/<slug:token>/oppstart/", views_guide.starting_guide, name="starting_guide"),
    path(
        "inne/<slug:token>/oppstart/kryss/",
        views_guide.starting_guide_tick,
        name="starting_guide_tick",
    ),
    path("inne/<slug:token>/vert/", views_rotation.hosting_toggle, name="hosting_toggle"),
    path("inne/<slug:token>/vert/bytt/", views_rotation.host_turn_swap, name="host_turn_swap"),
    path(
        "inne/<slug:token>/kontaktperson/",
        views_rotation.contact_person_hand_on,
        name="contact_person_hand_on",
    ),
]
