import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from missions.enums import ReportState
from missions.models.missions import Mission


def report_path(instance, filename):
    # Stored names are random: the uploader's file name never reaches the file system.
    return f"reports/{instance.mission_id}/{uuid.uuid4().hex}.pdf"


class MissionReport(models.Model):
    """The lead expert's report on a delivered mission: accepted by the officer, or sent back
    with comments for a new version."""

    mission = models.OneToOneField(
        Mission, on_delete=models.PROTECT, related_name="report", verbose_name=_("mission")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.SUBMITTED
    )
    file = models.FileField(_("report (PDF)"), upload_to=report_path)
    original_name = models.CharField(_("original file name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    comments = models.TextField(_("the officer's comments"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mission report")
        verbose_name_plural = _("mission reports")

    def __str__(self):
        return f"{self.mission.reference} v{self.version}: {self.get_state_display()}"
