from django.urls import path

from missions.views import invitations

urlpatterns = [
    path("missions/invitations/<str:token>/", invitations.answer, name="answer"),
]
