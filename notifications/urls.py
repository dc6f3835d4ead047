from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("profil/varsler/", views.preferences, name="preferences"),
    path("varsler/mote/<int:pk>/", views.meeting, name="meeting"),
]
