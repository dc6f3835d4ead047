from django.urls import path

from . import views

app_name = "groups"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("mine/", views.my_groups, name="mine"),
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/inne/", views.group_inside, name="inside"),
]
