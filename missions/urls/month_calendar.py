from django.urls import path

from missions.views import month_calendar

urlpatterns = [
    path("secretariat/missions/calendar/", month_calendar.month, name="month_calendar"),
]
