"""Joining URLs, included at the root before ``groups.urls``: the group's own
request and leave pages live under ``/inne/<token>/``."""

from django.urls import path

from . import views

app_name = "joining"

urlpatterns = [
    path("bli-med/", views.my_requests, name="mine"),
    path("bli-med/foresporsel/<int:pk>/trekk/", views.join_request_withdraw, name="withdraw"),
    path(
        "bli-med/venteliste/<int:pk>/svar/",
        views.waiting_list_respond,
        name="waiting_list_respond",
    ),
    path("bli-med/<slug:slug>/", views.join_request_create, name="request"),
    path("bli-med/<slug:slug>/venteliste/", views.waiting_list_join, name="waiting_list_join"),
    path("inne/<slug:token>/foresporsler/", views.group_requests, name="group_requests"),
    path(
        "inne/<slug:token>/foresporsler/<int:pk>/svar/",
        views.group_request_answer,
        name="answer",
    ),
    path("inne/<slug:token>/forlat/", views.group_leave, name="leave"),
]
