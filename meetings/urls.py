from django.urls import path

from . import views, views_reminders

app_name = "meetings"

urlpatterns = [
    path("inne/<slug:token>/motetid/", views.schedule_edit, name="schedule"),
    path("inne/<slug:token>/moter/<int:pk>/", views.meeting_detail, name="detail"),
    path("inne/<slug:token>/moter/<int:pk>/avlys/", views.meeting_cancel, name="cancel"),
    path("inne/<slug:token>/moter/<int:pk>/flytt/", views.meeting_move, name="move"),
    path("inne/<slug:token>/moter/<int:pk>/fravar/", views.meeting_absence, name="absence"),
    path(
        "inne/<slug:token>/moter/<int:pk>/oppmote/",
        views.meeting_attendance,
        name="attendance",
    ),
    path("inne/<slug:token>/moter/<int:pk>/mote.ics", views.meeting_ics, name="ics"),
    path("fravar/<str:token>/", views.absence_link, name="absence_link"),
    path("kalender/", views.calendar_settings, name="calendar"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="feed"),
    path("profil/varsler/", views_reminders.reminder_preferences, name="reminders"),
    # The link in meeting messages: it names no group.
    path("varsler/mote/<int:pk>/", views_reminders.message_link, name="message_link"),
]
