"""The missions app's URLs, one module per capability, under the ``missions:`` namespace."""

from missions.urls import calendars, invitations, missions, my_missions, releases, reports

mission_urls = (
    [
        *my_missions.urlpatterns,
        *invitations.urlpatterns,
        *releases.urlpatterns,
        *missions.urlpatterns,
        *reports.urlpatterns,
        *calendars.urlpatterns,
    ],
    "missions",
)
