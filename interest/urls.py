from django.urls import path

from . import views

app_name = "interest"

urlpatterns = [
    path("", views.my_registrations, name="mine"),
    path("ny/", views.register, name="register"),
    path("<int:pk>/trekk/", views.withdraw, name="withdraw"),
    path("invitasjon/<int:pk>/svar/", views.invitation_respond, name="invitation_respond"),
]
