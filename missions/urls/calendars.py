from django.urls import path

from missions.views import calendars

urlpatterns = [
    path("calendar/<str:token>/missions.ics", calendars.feed, name="calendar"),
    path("me/calendar/", calendars.manage, name="manage_calendar"),
]
