from django.urls import path, re_path

from missions.views import missions, staffing

urlpatterns = [
    path("secretariat/missions/", missions.mission_list, name="list"),
    re_path(
        r"^secretariat/missions/(?P<reference>\d{4}-\d{3,})/$",
        missions.mission_detail,
        name="detail",
    ),
    re_path(
        r"^secretariat/missions/(?P<reference>\d{4}-\d{3,})/positions/(?P<pk>\d+)/candidates/$",
        staffing.candidates,
        name="candidates",
    ),
    re_path(
        r"^secretariat/missions/(?P<reference>\d{4}-\d{3,})/positions/(?P<pk>\d+)/invite/$",
        staffing.invite,
        name="invite",
    ),
]
