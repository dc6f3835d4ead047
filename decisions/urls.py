"""Deciding together, inside a group (mounted at the root before ``groups.urls``)."""

from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("grupper/<slug:slug>/inne/forslag/", views.proposals, name="proposals"),
    path("grupper/<slug:slug>/inne/forslag/ny/<str:kind>/", views.propose, name="propose"),
    path("grupper/<slug:slug>/inne/forslag/<int:pk>/svar/", views.answer, name="answer"),
    path("grupper/<slug:slug>/inne/forslag/<int:pk>/trekk/", views.withdraw, name="withdraw"),
]
