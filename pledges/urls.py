from django.urls import path

from . import views

app_name = "pledges"

# Mounted at the site root: the signing pages live inside a group's URL space,
# the list of one's signatures in the profile's.
urlpatterns = [
    path("inne/<slug:token>/taushetserklaering/", views.pledge_sign, name="sign"),
    path(
        "inne/<slug:token>/taushetserklaering/gruppas-linjer/",
        views.group_lines_edit,
        name="group_lines",
    ),
    path("profil/taushetserklaeringer/", views.my_signatures, name="mine"),
]
