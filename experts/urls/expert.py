from django.urls import path

from experts.views import accreditation as accreditation_views
from experts.views import profile as views

app_name = "experts"

urlpatterns = [
    path("me/profile/", views.profile, name="profile"),
    path("me/profile/confirm/", views.confirm_profile, name="confirm_profile"),
    path("me/profile/<slug:section>/", views.edit_section, name="edit_section"),
    path("me/accreditations/", accreditation_views.my_accreditations, name="accreditations"),
    path(
        "me/accreditations/request/",
        accreditation_views.accreditation_request,
        name="accreditation_request",
    ),
    path("me/missions/", views.my_missions, name="missions"),
    # Files are served through these views only, to the expert and the Secretariat.
    path("files/documents/<int:pk>/", views.download_document, name="document"),
    path("files/photos/<int:pk>/", views.photo, name="photo"),
]
