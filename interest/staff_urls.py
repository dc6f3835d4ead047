from django.urls import path

from . import views

app_name = "interest_staff"

urlpatterns = [
    path("", views.staff_home, name="home"),
    path("<slug:slug>/", views.staff_overview, name="overview"),
    path(
        "<slug:slug>/start/<slug:theme>/<str:format>/",
        views.staff_start_group,
        name="start_group",
    ),
]
