from django.urls import path

from experts.views import cv

urlpatterns = [
    path("experts/<int:pk>/cv/", cv.expert_cv, name="expert_cv"),
    path("experts/<int:pk>/cv.pdf", cv.expert_cv_pdf, name="expert_cv_pdf"),
]
