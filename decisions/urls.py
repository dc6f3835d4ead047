"""Deciding together, inside a group (mounted at the root before ``groups.urls``)."""

from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("inne/<slug:token>/forslag/", views.proposals, name="proposals"),
    path("inne/<slug:token>/forslag/ny/<str:kind>/", views.propose, name="propose"),
    path("inne/<slug:token>/forslag/<int:pk>/svar/", views.answer, name="answer"),
    path("inne/<slug:token>/forslag/<int:pk>/trekk/", views.withdraw, name="withdraw"),
]
