from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("endre/", views.profile_edit, name="profile_edit"),
    path("mobil/send-kode/", views.phone_send_code, name="phone_send_code"),
    path("mobil/bekreft/", views.phone_confirm, name="phone_confirm"),
]
