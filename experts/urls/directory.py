from django.urls import path

from experts.views import directory

urlpatterns = [
    # The directory is the Secretariat's list of experts.
    path("experts/", directory.directory_page, name="directory"),
    path("experts/export/", directory.directory_export, name="directory_export"),
    path("experts/saved-searches/", directory.save_search, name="save_search"),
    path(
        "experts/saved-searches/<int:pk>/delete/",
        directory.delete_saved_search,
        name="delete_saved_search",
    ),
]
