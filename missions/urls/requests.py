from django.urls import path

from missions.views import requests

urlpatterns = [
    path("secretariat/missions/requests/", requests.request_list, name="requests"),
    path("secretariat/missions/requests/new/", requests.record_request, name="record_request"),
    path(
        "secretariat/missions/requests/<int:pk>/",
        requests.request_detail,
        name="request_detail",
    ),
    path(
        "secretariat/missions/requests/<int:pk>/accept/",
        requests.accept_request,
        name="accept_request",
    ),
    path(
        "secretariat/missions/requests/<int:pk>/decline/",
        requests.decline_request,
        name="decline_request",
    ),
    path(
        "secretariat/missions/requests/<int:pk>/attachments/<int:attachment_pk>/",
        requests.attachment_file,
        name="request_attachment",
    ),
]
