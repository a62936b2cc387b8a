from django.urls import path

from experts.views import cv as cv_views
from experts.views import directory as directory_views
from experts.views import exports as export_views
from experts.views import imports as import_views
from experts.views import merge as merge_views
from experts.views import roster as views
from experts.views import workshops as workshop_views

app_name = "secretariat"

urlpatterns = [
    # The directory is the Secretariat's list of experts.
    path("experts/", directory_views.directory_page, name="directory"),
    path("experts/export/", directory_views.directory_export, name="directory_export"),
    path("experts/exports/<int:pk>/", export_views.export_detail, name="export_detail"),
    path(
        "experts/exports/<int:pk>/progress/", export_views.export_progress, name="export_progress"
    ),
    path(
        "experts/exports/<int:pk>/download/", export_views.export_download, name="export_download"
    ),
    path("experts/saved-searches/", directory_views.save_search, name="save_search"),
    path(
        "experts/saved-searches/<int:pk>/delete/",
        directory_views.delete_saved_search,
        name="delete_saved_search",
    ),
    path("experts/new/", views.register_expert, name="register_expert"),
    path("experts/import/", import_views.import_start, name="import_start"),
    path("experts/import/template.csv", import_views.import_template, name="import_template"),
    path("experts/import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("experts/import/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("experts/import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("experts/import/<int:pk>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/invite/", views.resend_invitation, name="resend_invitation"),
    path("experts/<int:pk>/merge/", merge_views.merge_expert, name="merge_expert"),
    path("workshops/", workshop_views.workshop_list, name="workshop_list"),
    path("workshops/new/", workshop_views.workshop_create, name="workshop_create"),
    path("workshops/<int:pk>/", workshop_views.workshop_detail, name="workshop_detail"),
    path(
        "workshops/<int:pk>/candidates/",
        workshop_views.add_candidate,
        name="workshop_add_candidate",
    ),
    path("workshops/<int:pk>/outcomes/", workshop_views.record_outcomes, name="workshop_outcomes"),
    path("experts/<int:pk>/cv/", cv_views.expert_cv, name="expert_cv"),
    path("experts/<int:pk>/cv.pdf", cv_views.expert_cv_pdf, name="expert_cv_pdf"),
]
