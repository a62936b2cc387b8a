from django.urls import path

from experts.views import exports

urlpatterns = [
    path("experts/exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("experts/exports/<int:pk>/progress/", exports.export_progress, name="export_progress"),
    path("experts/exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
