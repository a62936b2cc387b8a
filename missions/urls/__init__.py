"""The missions app's URLs, one module per capability, under the ``missions:`` namespace."""

from missions.urls import (
    calendars,
    invitations,
    missions,
    month_calendar,
    my_missions,
    preparation,
    releases,
    reports,
    requests,
)

mission_urls = (
    [
        *my_missions.urlpatterns,
        *invitations.urlpatterns,
        *releases.urlpatterns,
        *missions.urlpatterns,
        *reports.urlpatterns,
        *calendars.urlpatterns,
        *preparation.urlpatterns,
        *requests.urlpatterns,
        *month_calendar.urlpatterns,
    ],
    "missions",
)
