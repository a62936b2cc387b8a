from django.urls import path

from experts.views import accreditation

urlpatterns = [
    path("me/accreditations/", accreditation.my_accreditations, name="accreditations"),
    path(
        "me/accreditations/request/",
        accreditation.accreditation_request,
        name="accreditation_request",
    ),
]
