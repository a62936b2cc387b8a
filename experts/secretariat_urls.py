from django.urls import path

from . import secretariat_views as views

app_name = "secretariat"

urlpatterns = [
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/new/", views.register_expert, name="register_expert"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/invite/", views.resend_invitation, name="resend_invitation"),
]
