"""Accreditation: each expert's standing per (profile type, thematic area), and its history.

States change only through services.accreditation.transitions (one function a transition);
every change writes an AccreditationEvent, which is never edited or deleted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.enums import (
    HOLDING_STATES,
    LIVE_STATES,
    AccreditationPhase,
    AccreditationState,
    RequestKind,
    RequestState,
    WorkshopKind,
    WorkshopOutcome,
)
from experts.models.profile import Expert, ExpertDocument
from experts.models.reference import ProfileType, ThematicArea


class AccreditationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(state__in=LIVE_STATES)

    def holding(self):
        return self.filter(state__in=HOLDING_STATES)

    def visible_to(self, user):
        return self.filter(expert__in=Expert.objects.visible_to(user))


class Accreditation(models.Model):
    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="accreditations", verbose_name=_("expert")
    )
    profile_type = models.ForeignKey(
        ProfileType, on_delete=models.PROTECT, related_name="+", verbose_name=_("profile")
    )
    area = models.ForeignKey(
        ThematicArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("thematic area")
    )
    state = models.CharField(_("state"), max_length=16, choices=AccreditationState.choices)
    phase = models.CharField(_("phase"), max_length=20, choices=AccreditationPhase.choices)
    # The state held before a suspension or lapse, to return to on reinstatement or renewal.
    resume_state = models.CharField(
        _("state to resume"), max_length=16, choices=AccreditationState.choices, blank=True
    )
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["expert", "area__name_en", "profile_type__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "profile_type", "area"],
                condition=Q(state__in=LIVE_STATES),
                name="one_live_accreditation_per_profile_and_area",
                violation_error_message=_(
                    "This expert already has an accreditation for this profile and area."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["area", "state"]),
            models.Index(
                fields=["valid_until"],
                condition=Q(state__in=HOLDING_STATES),
                name="accreditation_validity_idx",
            ),
        ]

    def __str__(self):
        return f"{self.profile_type.code} · {self.area} ({self.get_state_display()})"

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES


class Workshop(models.Model):
    """An accreditation workshop (candidates pass or not) or a refresher (attendance)."""

    kind = models.CharField(_("kind"), max_length=16, choices=WorkshopKind.choices)
    title = models.CharField(_("title"), max_length=200)
    area = models.ForeignKey(
        ThematicArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("thematic area")
    )
    profile_type = models.ForeignKey(
        ProfileType, on_delete=models.PROTECT, related_name="+", verbose_name=_("profile")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    online = models.BooleanField(_("online"), default=False)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    funding_source = models.CharField(
        _("funding source"), max_length=120, blank=True, help_text=_("e.g. CCF Japan, EU, SECO")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="workshop_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.start_date:%Y-%m-%d})"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if not self.online and not self.venue:
            raise ValidationError({"venue": _("Give a venue, or mark the workshop as online.")})


class WorkshopParticipant(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="+")
    accreditation = models.ForeignKey(
        Accreditation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=WorkshopOutcome.choices, default="pending"
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["expert__family_name", "expert__given_names"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "expert"], name="one_seat_per_expert")
        ]

    def __str__(self):
        return str(self.expert)


class AccreditationEvent(models.Model):
    """One change of an accreditation. Append-only: the history cannot be rewritten."""

    accreditation = models.ForeignKey(
        Accreditation, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=24)
    from_state = models.CharField(
        _("from"), max_length=16, choices=AccreditationState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=16, choices=AccreditationState.choices)
    # Null when the system acted (e.g. an automatic lapse).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), help_text=_("Shown to the expert."))
    internal_comment = models.TextField(
        _("internal comment"), blank=True, help_text=_("Seen by the Secretariat only.")
    )
    evidence_document = models.ForeignKey(
        ExpertDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evidence_workshop = models.ForeignKey(
        Workshop, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A mission evaluation (the missions app links it later): its reference and result.
    evidence_evaluation = models.JSONField(_("evaluation"), null=True, blank=True)
    valid_until = models.DateField(_("valid until, after this change"), null=True, blank=True)

    class Meta:
        verbose_name = _("accreditation event")
        verbose_name_plural = _("accreditation events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_state or '-'} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Accreditation history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Accreditation history is append-only.")


class AccreditationRequest(models.Model):
    """An expert asks for a renewal, a recognition in a new area, or a correction."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="accreditation_requests"
    )
    kind = models.CharField(_("request"), max_length=12, choices=RequestKind.choices)
    accreditation = models.ForeignKey(
        Accreditation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("accreditation"),
    )
    profile_type = models.ForeignKey(
        ProfileType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("profile"),
    )
    area = models.ForeignKey(
        ThematicArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thematic area"),
    )
    message = models.TextField(_("message"), max_length=3000)
    document = models.ForeignKey(
        ExpertDocument, on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        verbose_name = _("accreditation request")
        verbose_name_plural = _("accreditation requests")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.expert}"
