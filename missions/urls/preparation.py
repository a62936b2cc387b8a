from django.urls import path, re_path

from missions.views import preparation

REFERENCE = r"(?P<reference>\d{4}-\d{3,})"

urlpatterns = [
    re_path(rf"^me/missions/{REFERENCE}/$", preparation.my_mission, name="my_mission"),
    path(
        "secretariat/missions/assignments/<int:pk>/checklist/",
        preparation.checklist,
        name="checklist",
    ),
    re_path(
        rf"^secretariat/missions/{REFERENCE}/documents/add/$",
        preparation.add_document,
        name="add_document",
    ),
    re_path(
        rf"^secretariat/missions/{REFERENCE}/documents/(?P<pk>\d+)/remove/$",
        preparation.remove_document,
        name="remove_document",
    ),
    re_path(
        rf"^missions/{REFERENCE}/documents/(?P<pk>\d+)/$",
        preparation.document_file,
        name="document",
    ),
    re_path(
        rf"^secretariat/missions/{REFERENCE}/materials/attach/$",
        preparation.attach_material,
        name="attach_material",
    ),
    re_path(
        rf"^secretariat/missions/{REFERENCE}/materials/(?P<material_pk>\d+)/detach/$",
        preparation.detach_material,
        name="detach_material",
    ),
    re_path(
        rf"^missions/{REFERENCE}/materials/(?P<material_pk>\d+)/$",
        preparation.material_file,
        name="material_file",
    ),
]
