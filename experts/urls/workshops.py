from django.urls import path

from experts.views import workshops

urlpatterns = [
    path("workshops/", workshops.workshop_list, name="workshop_list"),
    path("workshops/new/", workshops.workshop_create, name="workshop_create"),
    path("workshops/<int:pk>/", workshops.workshop_detail, name="workshop_detail"),
    path("workshops/<int:pk>/candidates/", workshops.add_candidate, name="workshop_add_candidate"),
    path("workshops/<int:pk>/outcomes/", workshops.record_outcomes, name="workshop_outcomes"),
]
