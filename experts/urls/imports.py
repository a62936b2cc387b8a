from django.urls import path

from experts.views import imports

urlpatterns = [
    path("experts/import/", imports.import_start, name="import_start"),
    path("experts/import/template.csv", imports.import_template, name="import_template"),
    path(
        "experts/import/template.xlsx",
        imports.import_template_xlsx,
        name="import_template_xlsx",
    ),
    path("experts/import/<int:pk>/", imports.import_detail, name="import_detail"),
    path("experts/import/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("experts/import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("experts/import/<int:pk>/cancel/", imports.import_cancel, name="import_cancel"),
]
