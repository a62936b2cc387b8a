from django.urls import path

from missions.views import my_missions

urlpatterns = [
    path("me/missions/", my_missions.my_missions, name="mine"),
    path("me/missions/invitations/<int:pk>/answer/", my_missions.answer, name="answer_in_portal"),
]
