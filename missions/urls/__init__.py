"""The missions app's URLs, one module per capability, under the ``missions:`` namespace."""

from missions.urls import invitations, missions, my_missions, releases

mission_urls = (
    [
        *my_missions.urlpatterns,
        *invitations.urlpatterns,
        *releases.urlpatterns,
        *missions.urlpatterns,
    ],
    "missions",
)
