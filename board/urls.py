from django.urls import path

from . import views

app_name = "board"

urlpatterns = [
    path("inne/<slug:token>/tavle/", views.board, name="board"),
    path("inne/<slug:token>/tavle/<int:pk>/slett/", views.post_delete, name="delete"),
    path("inne/<slug:token>/tavle/varsler/", views.notices, name="notices"),
]
