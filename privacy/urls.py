from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("mine-data/", views.data_export, name="data_export"),
    path("slett/", views.account_delete, name="account_delete"),
]
