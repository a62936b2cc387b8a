"""A spreadsheet of experts brought in by the Secretariat: checked row by row, then applied."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.enums import ImportRowAction, ImportState


class ExpertImport(models.Model):
    # The file itself is kept in the database until the import is applied or cancelled, so that
    # the worker that checks it needs no file system shared with the web server.
    content = models.BinaryField(null=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    state = models.CharField(
        _("state"), max_length=12, choices=ImportState.choices, default=ImportState.CHECKING
    )
    update_existing = models.BooleanField(
        _("update experts whose email is already registered"), default=False
    )
    # Chosen when the officer confirms.
    send_invitations = models.BooleanField(_("activation emails sent"), default=False)
    create_duplicates = models.BooleanField(_("possible duplicates created"), default=False)
    base_url = models.CharField(max_length=200, blank=True, editable=False)
    # What the check found: a problem with the whole file, or one row per line.
    error = models.TextField(_("problem with the file"), blank=True)
    ignored_columns = models.JSONField(_("ignored columns"), default=list, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    # Audit
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert import")
        verbose_name_plural = _("expert imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name


class ExpertImportRow(models.Model):
    """One line of the file: what applying it would do, and why not when it is refused."""

    expert_import = models.ForeignKey(ExpertImport, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("line"))
    action = models.CharField(_("action"), max_length=10, choices=ImportRowAction.choices)
    # The cells as given (shown in the preview) and the checked values (applied).
    cells = models.JSONField(default=dict)
    values = models.JSONField(default=dict)
    problems = models.JSONField(_("problems"), default=list)
    # Update: field -> [old, new] for the preview.
    changes = models.JSONField(default=dict)
    expert = models.ForeignKey(
        "experts.Expert",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("existing expert"),
    )

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["line"]
        indexes = [models.Index(fields=["expert_import", "action", "line"])]

    def __str__(self):
        return f"{self.expert_import_id}:{self.line}"
