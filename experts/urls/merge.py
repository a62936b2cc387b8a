from django.urls import path

from experts.views import merge

urlpatterns = [
    path("experts/<int:pk>/merge/", merge.merge_expert, name="merge_expert"),
]
