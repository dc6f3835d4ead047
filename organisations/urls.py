from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.staff_home, name="staff_home"),
    path("distrikt/<slug:slug>/", views.district_detail, name="district_detail"),
    path("kontaktpunkt/<slug:slug>/", views.contact_point_detail, name="contact_point_detail"),
]
