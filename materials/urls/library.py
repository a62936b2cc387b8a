"""The library at /materials/: the list, a material's page, its versions and their files, and
the forms of the workflow (materials.views.library)."""

from django.urls import path

from materials.views import library

urlpatterns = [
    path("materials/", library.library_list, name="library"),
    path("materials/new/", library.material_create, name="material_create"),
    path("materials/publish/", library.material_publish, name="material_publish"),
    path("materials/<int:pk>/", library.material_detail, name="material_detail"),
    path("materials/<int:pk>/edit/", library.material_edit, name="material_edit"),
    path("materials/<int:pk>/withdraw/", library.material_withdraw, name="material_withdraw"),
    path("materials/<int:pk>/versions/", library.version_upload, name="version_upload"),
    path(
        "materials/<int:pk>/versions/<int:number>/file/",
        library.version_file,
        name="version_file",
    ),
    path(
        "materials/<int:pk>/versions/<int:number>/approve/",
        library.version_approve,
        name="version_approve",
    ),
    path(
        "materials/<int:pk>/versions/<int:number>/return/",
        library.version_return,
        name="version_return",
    ),
]
