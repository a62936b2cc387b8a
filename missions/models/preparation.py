"""Before the mission: each assigned expert's logistics checklist, and the mission's documents,
shared only with the mission's experts and the Secretariat."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.files import StoredUpload
from missions.enums import DocumentKind, LogisticsItemKind, LogisticsState
from missions.models.missions import Mission
from missions.models.requests import AssistanceRequest
from missions.models.staffing import Assignment


class LogisticsItem(models.Model):
    """One line of an assigned expert's checklist (ticket, visa, ...), with its state and note."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.PROTECT,
        related_name="logistics",
        verbose_name=_("assignment"),
    )
    kind = models.CharField(_("item"), max_length=16, choices=LogisticsItemKind.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=LogisticsState.choices, default=LogisticsState.TO_DO
    )
    # Only the travel dates item uses these: the days the expert leaves and comes back.
    departure = models.DateField(_("departure"), null=True, blank=True)
    return_date = models.DateField(_("return"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("logistics item")
        verbose_name_plural = _("logistics items")
        ordering = ["assignment", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "kind"], name="logistics_one_item_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(return_date__isnull=True)
                | models.Q(departure__isnull=True)
                | models.Q(return_date__gte=models.F("departure")),
                name="logistics_travel_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.get_kind_display()}: {self.get_state_display()}"


def _suffix(filename: str) -> str:
    # The service names the file after its content check ("document.pdf"): only that suffix is
    # kept, so the uploader's own file name never reaches the file system.
    return Path(filename).suffix.lower()[:8]


def document_path(instance, filename):
    return f"missions/{instance.mission_id}/{uuid.uuid4().hex}{_suffix(filename)}"


class MissionDocument(StoredUpload):
    """A document of a mission (terms of reference, agenda, materials): seen only by the
    mission's experts and the Secretariat."""

    default_stem = "document"

    mission = models.ForeignKey(
        Mission, on_delete=models.PROTECT, related_name="documents", verbose_name=_("mission")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path)

    class Meta:
        verbose_name = _("mission document")
        verbose_name_plural = _("mission documents")
        ordering = ["mission", "kind", "title", "pk"]

    def __str__(self):
        return f"{self.mission.reference} · {self.title}"


def attachment_path(instance, filename):
    return f"requests/{instance.request_id}/{uuid.uuid4().hex}{_suffix(filename)}"


class RequestAttachment(StoredUpload):
    """A file that came with a request for assistance (the letter, a needs assessment)."""

    default_stem = "attachment"

    request = models.ForeignKey(
        AssistanceRequest,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("request"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path)

    class Meta:
        verbose_name = _("request attachment")
        verbose_name_plural = _("request attachments")
        ordering = ["request", "pk"]

    def __str__(self):
        return self.original_name


class MissionMaterial(models.Model):
    """A published material of the training library that the Secretariat attaches to a
    mission, for its seated experts to use: they open its published version from the mission's
    page even without an accreditation in the material's area."""

    # A link, not a record of its own: it goes with the mission or the material.
    mission = models.ForeignKey(
        Mission,
        on_delete=models.CASCADE,
        related_name="library_materials",
        verbose_name=_("mission"),
    )
    material = models.ForeignKey(
        "materials.Material",
        on_delete=models.CASCADE,
        related_name="mission_links",
        verbose_name=_("material"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("mission library material")
        verbose_name_plural = _("mission library materials")
        ordering = ["mission", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "material"], name="mission_material_once")
        ]

    def __str__(self):
        return f"{self.mission.reference} · {self.material}"
