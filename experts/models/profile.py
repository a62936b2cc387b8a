"""The expert and what they keep current about themselves."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from experts.enums import DocumentKind, EmploymentStatus, Gender, MissionLength, Proficiency
from experts.models.reference import Language, MemberAdministration, ThematicArea


def _private_path(prefix: str, owner_id, filename: str) -> str:
    # Stored names are random: the uploader's file name never reaches the file system.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"{prefix}/{owner_id or 'new'}/{uuid.uuid4().hex}{suffix}"


def photo_path(instance, filename):
    return _private_path("photos", instance.pk, filename)


def document_path(instance, filename):
    return _private_path("documents", instance.expert_id, filename)


class ExpertQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The experts ``user`` may see: all for the Secretariat, only oneself for an expert."""
        from ace_portal.accounts.roles import is_secretariat

        if is_secretariat(user):
            return self
        if user.is_authenticated:
            return self.filter(user=user)
        return self.none()


class Expert(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert"
    )
    # Identity
    given_names = models.CharField(_("given names"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=150)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, blank=True)
    nationality = CountryField(_("nationality"), blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    # Contact
    work_email = models.EmailField(_("work email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    # Employment
    home_administration = models.ForeignKey(
        MemberAdministration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experts",
        verbose_name=_("home administration"),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    unit = models.CharField(_("unit or department"), max_length=200, blank=True)
    years_in_customs = models.PositiveSmallIntegerField(
        _("years in Customs"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    employment_status = models.CharField(
        _("employment status"),
        max_length=10,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.SERVING,
    )
    biography = models.TextField(_("biography"), blank=True, max_length=5000)
    # Availability
    preferred_mission_length = models.CharField(
        _("preferred mission length"),
        max_length=8,
        choices=MissionLength.choices,
        default=MissionLength.ANY,
    )
    remote_only = models.BooleanField(_("remote missions only"), default=False)
    # Travel (sensitive)
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    passport_expiry = models.DateField(_("passport expiry date"), null=True, blank=True)
    # Consent and upkeep
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    profile_confirmed_at = models.DateTimeField(_("profile last confirmed"), null=True, blank=True)
    completeness = models.PositiveSmallIntegerField(_("completeness (%)"), default=0)
    # Weighted full-text document (name, work and areas, biography), kept by services.search;
    # a tsvector with a GIN index on PostgreSQL, unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # Audit
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["family_name", "given_names"]
        indexes = [
            # The directory's keyset pagination: by name, and by last update.
            models.Index(
                fields=["family_name", "given_names", "id"], name="expert_name_keyset_idx"
            ),
            models.Index(fields=["updated_at", "id"], name="expert_updated_keyset_idx"),
            # Matching reads these of every holder of a profile and area: from the index
            # alone, not from the wide rows of the table (PostgreSQL; ignored elsewhere).
            models.Index(
                fields=["id"],
                include=["home_administration", "passport_expiry", "family_name", "given_names"],
                name="expert_matching_cover_idx",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def passport_expired(self) -> bool:
        return bool(self.passport_expiry and self.passport_expiry < timezone.localdate())

    @property
    def has_current_consent(self) -> bool:
        return bool(self.consent_given_at and self.consent_version == settings.CONSENT_VERSION)


class ExpertLanguage(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="languages")
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("language")
    )
    proficiency = models.PositiveSmallIntegerField(_("proficiency"), choices=Proficiency.choices)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["-proficiency", "language__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "language"], name="one_level_per_language")
        ]
        indexes = [
            models.Index(fields=["language", "proficiency"]),
            # Matching's level in the position's language, read from the index alone.
            models.Index(
                fields=["expert", "language"],
                include=["proficiency"],
                name="language_level_cover_idx",
            ),
        ]

    def __str__(self):
        return f"{self.language} ({self.get_proficiency_display()})"


class Expertise(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="expertise")
    area = models.ForeignKey(
        ThematicArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("thematic area")
    )
    years = models.PositiveSmallIntegerField(
        _("years of experience"), validators=[MaxValueValidator(60)]
    )
    description = models.CharField(_("short description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("area of expertise")
        verbose_name_plural = _("areas of expertise")
        ordering = ["-years"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "area"], name="one_entry_per_area")
        ]
        # The directory's area filters: "experts with area X" as an index-only scan.
        indexes = [models.Index(fields=["area", "expert"], name="expertise_area_expert_idx")]

    def __str__(self):
        return str(self.area)


class Education(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="education")
    degree = models.CharField(_("degree or qualification"), max_length=200)
    field_of_study = models.CharField(_("field of study"), max_length=200, blank=True)
    institution = models.CharField(_("institution"), max_length=200)
    year_completed = models.PositiveSmallIntegerField(_("year completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("education")
        verbose_name_plural = _("education")
        ordering = [F("year_completed").desc(nulls_first=True)]

    def __str__(self):
        return f"{self.degree}, {self.institution}"


class WorkExperience(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="work_history")
    organisation = models.CharField(_("organisation"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty if current."))
    description = models.TextField(_("main responsibilities"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("work experience")
        verbose_name_plural = _("work history")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="work_experience_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.position}, {self.organisation}"


class UnavailablePeriod(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="unavailable_periods")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to (inclusive)"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unavailable period")
        verbose_name_plural = _("unavailable periods")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="unavailable_ends_after_start"
            )
        ]
        indexes = [
            models.Index(fields=["expert", "start_date", "end_date"]),
            # Who is unavailable at a mission's dates: the periods ending after its start.
            models.Index(fields=["end_date"], name="unavailable_end_idx"),
        ]

    def __str__(self):
        return f"{self.start_date} - {self.end_date}"


class ExpertDocument(models.Model):
    """A file an expert uploaded, stored outside the web root and served only to the allowed."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("original file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
        editable=False,
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name
