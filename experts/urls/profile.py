from django.urls import path

from experts.views import profile

urlpatterns = [
    path("me/profile/", profile.profile, name="profile"),
    path("me/profile/confirm/", profile.confirm_profile, name="confirm_profile"),
    path("me/profile/<slug:section>/", profile.edit_section, name="edit_section"),
    # Files are served through these views only, to the expert and the Secretariat.
    path("files/documents/<int:pk>/", profile.download_document, name="document"),
    path("files/photos/<int:pk>/", profile.photo, name="photo"),
]
