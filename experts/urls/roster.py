from django.urls import path

from experts.views import roster

urlpatterns = [
    path("experts/new/", roster.register_expert, name="register_expert"),
    path("experts/<int:pk>/", roster.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/invite/", roster.resend_invitation, name="resend_invitation"),
]
