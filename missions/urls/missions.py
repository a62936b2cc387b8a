from django.urls import path, re_path

from missions.views import missions, staffing

urlpatterns = [
    path("secretariat/missions/", missions.mission_list, name="list"),
    path("secretariat/missions/new/", missions.mission_create, name="create"),
    path("secretariat/missions/staffing/", staffing.needs_action, name="needs_action"),
    re_path(
        r"^secretariat/missions/(?P<reference>\d{4}-\d{3,})/$",
        missions.mission_detail,
        name="detail",
    ),
    re_path(
        r"^secretariat/missions/(?P<reference>\d{4}-\d{3,})/move/$", missions.move, name="move"
    ),
    re_path(
        r"^secretariat/missions/(?P<reference>\d{4}-\d{3,})/positions/add/$",
        missions.add_position,
        name="add_position",
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
