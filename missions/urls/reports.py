from django.urls import path, re_path

from missions.views import reports

REFERENCE = r"(?P<reference>\d{4}-\d{3,})"

urlpatterns = [
    re_path(rf"^me/missions/{REFERENCE}/report/$", reports.submit, name="submit_report"),
    path("missions/<str:reference>/report.pdf", reports.report_file, name="report_file"),
    re_path(
        rf"^secretariat/missions/{REFERENCE}/report/decide/$", reports.decide, name="decide_report"
    ),
    path("secretariat/missions/assignments/<int:pk>/evaluate/", reports.evaluate, name="evaluate"),
]
