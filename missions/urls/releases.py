from django.urls import path

from missions.views import releases

urlpatterns = [
    path("missions/releases/<str:token>/", releases.answer, name="release"),
    path("secretariat/missions/releases/<int:pk>/", releases.record, name="release_record"),
    path(
        "secretariat/missions/releases/<int:pk>/letter.pdf",
        releases.letter,
        name="release_letter",
    ),
    path(
        "secretariat/missions/releases/<int:pk>/scanned-letter/",
        releases.scanned_letter,
        name="release_scanned_letter",
    ),
]
