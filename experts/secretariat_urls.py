from django.urls import path

from . import secretariat_views as views
from . import workshop_views

app_name = "secretariat"

urlpatterns = [
    path("experts/", views.expert_list, name="expert_list"),
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
