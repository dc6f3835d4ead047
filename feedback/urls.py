from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("tilbakemelding/<str:token>/", views.feedback_answer, name="answer"),
    path(
        "personale/kontaktpunkt/<slug:slug>/tilbakemeldinger/",
        views.contact_point_feedback,
        name="contact_point",
    ),
    path("personale/statistikk/tilbakemeldinger/", views.district_feedback, name="district"),
]
