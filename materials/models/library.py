"""The materials library: documents per thematic area, each upload a new version, reviewed by
the Secretariat before every expert holding an accreditation in the area can use them."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.choices import ChoiceLabels
from ace_portal.files import StoredUpload
from experts.models import Accreditation, Language, ThematicArea
from materials.enums import MaterialKind, MaterialState, TextExtraction, VersionReview
from materials.models.groups import Membership, WorkingGroup


def _expert_of(user):
    from experts.models import Expert

    if not user.is_authenticated:
        return None
    return Expert.objects.filter(user=user).first()


class MaterialQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=MaterialState.PUBLISHED)

    def for_areas_of(self, expert):
        """Published material of the areas where ``expert`` holds an accreditation or a
        recognition (pre-accredited, accredited, recognized)."""
        held = Accreditation.objects.holding().filter(expert=expert)
        return self.published().filter(area__in=held.values("area"))

    def visible_to(self, user):
        """What ``user`` may see: everything for the Secretariat; for an expert, the published
        material of the areas they hold and whatever their working groups develop (drafts and
        withdrawn ones included); nothing for anybody else."""
        from ace_portal.accounts.roles import is_secretariat

        if is_secretariat(user):
            return self
        expert = _expert_of(user)
        if expert is None:
            return self.none()
        groups = Membership.objects.current().filter(expert=expert)
        return self.for_areas_of(expert) | self.filter(group__in=groups.values("group"))


class Material(ChoiceLabels, models.Model):
    """A document of the library. Its experts-facing content is ``published_version``; the
    versions in review are seen only by its working group and the Secretariat."""

    area = models.ForeignKey(
        ThematicArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("thematic area")
    )
    # The group that develops it; none for a tool the Secretariat publishes itself.
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name=_("working group"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=MaterialKind.choices)
    languages = models.ManyToManyField(Language, related_name="+", verbose_name=_("languages"))
    description = models.TextField(_("description"), blank=True)
    # Lower-case words or short phrases, separated by commas ("e-commerce, risk").
    tags = models.CharField(_("tags"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MaterialState.choices, default=MaterialState.DRAFT
    )
    published_version = models.ForeignKey(
        "materials.MaterialVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    # The text searched: of the published version, else of the newest (services.search).
    body_text = models.TextField(_("text of the document"), blank=True, editable=False)
    # Weighted tsvector (title A; tags, description B; text C) on PostgreSQL; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-updated_at", "-pk"]
        # The GIN index on search_vector is PostgreSQL only: migration 0002.
        indexes = [models.Index(fields=["area", "state"])]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == MaterialState.PUBLISHED

    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


def version_path(instance, filename):
    # Named after its content check ("material.pdf"): only the suffix is kept.
    suffix = Path(filename).suffix.lower()[:8]
    return f"materials/{instance.material_id}/{uuid.uuid4().hex}{suffix}"


class MaterialVersion(ChoiceLabels, StoredUpload):
    """One upload of a material, numbered from 1, kept for ever with its review."""

    default_stem = "material"

    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="versions", verbose_name=_("material")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=version_path)
    note = models.TextField(_("what changed"), blank=True)
    review = models.CharField(_("review"), max_length=12, choices=VersionReview.choices)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comments = models.TextField(_("review comments"), blank=True)
    text = models.TextField(_("extracted text"), blank=True, editable=False)
    extraction = models.CharField(
        _("text extraction"),
        max_length=8,
        choices=TextExtraction.choices,
        default=TextExtraction.PENDING,
    )
    # The reading's watch (extraction.retry_lost): when the job was last handed to the broker,
    # and how many times a worker began it without finishing (a job killed by its hard time
    # limit or lost with its worker, and not only a job the broker never had).
    extraction_queued_at = models.DateTimeField(
        _("text extraction queued at"), default=timezone.now, editable=False
    )
    extraction_attempts = models.PositiveSmallIntegerField(
        _("text extraction attempts"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="one_version_number"),
            models.UniqueConstraint(
                fields=["material"],
                condition=Q(review=VersionReview.IN_REVIEW),
                name="one_version_in_review",
            ),
        ]

    def __str__(self):
        return f"{self.material} · v{self.number}"
