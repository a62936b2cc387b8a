"""The missions app's URLs, one module per capability, under the ``missions:`` namespace."""

from missions.urls import invitations, my_missions

mission_urls = ([*my_missions.urlpatterns, *invitations.urlpatterns], "missions")
