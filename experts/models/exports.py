"""An export of the directory too large to stream in one request: written by a worker, kept in
private storage for its requester until it expires."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.enums import ExportFormat, ExportState


def export_path(instance, filename):
    # A random stored name: the file is only ever reached through the download view.
    return f"exports/{uuid.uuid4().hex}.{instance.format}"


class ExpertExport(models.Model):
    # A user's exports go with the user: they hold personal data that only they may fetch.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    # The directory's filters as they were in the URL (parsed again by the worker).
    query = models.TextField(_("filters"), blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    sensitive = models.BooleanField(_("passport and date of birth included"), default=False)
    # The headers and labels are written in the language the officer was reading.
    language = models.CharField(_("language"), max_length=10, default="en")
    state = models.CharField(
        _("state"), max_length=8, choices=ExportState.choices, default=ExportState.PENDING
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_path, blank=True, max_length=200)
    error = models.TextField(_("problem"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export of experts")
        verbose_name_plural = _("exports of experts")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="expert_export_expiry_idx")]

    def __str__(self):
        return f"{self.get_format_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.state in (ExportState.PENDING, ExportState.RUNNING)

    @property
    def is_expired(self) -> bool:
        return bool(self.expires_at and self.expires_at <= timezone.now())

    @property
    def download_name(self) -> str:
        return f"experts-{timezone.localdate(self.created_at).isoformat()}.{self.format}"
