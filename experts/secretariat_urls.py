from django.urls import path

from . import directory_views, workshop_views
from . import secretariat_views as views

app_name = "secretariat"

urlpatterns = [
    # The directory is the Secretariat's list of experts.
    path("experts/", directory_views.directory_page, name="directory"),
    path("experts/export/", directory_views.directory_export, name="directory_export"),
    path("experts/saved-searches/", directory_views.save_search, name="save_search"),
    path(
        "experts/saved-searches/<int:pk>/delete/",
        directory_views.delete_saved_search,
        name="delete_saved_search",
    ),
    path("experts/new/", views.register_expert, name="register_expert"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/invite/", views.resend_invitation, name="resend_invitation"),
    path("workshops/", workshop_views.workshop_list, name="workshop_list"),
    path("workshops/new/", workshop_views.workshop_create, name="workshop_create"),
    path("workshops/<int:pk>/", workshop_views.workshop_detail, name="workshop_detail"),
    path(
        "workshops/<int:pk>/candidates/",
        workshop_views.add_candidate,
        name="workshop_add_candidate",
    ),
    path("workshops/<int:pk>/outcomes/", workshop_views.record_outcomes, name="workshop_outcomes"),
]
