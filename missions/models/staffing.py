import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.choices import ChoiceLabels
from experts.models import Expert, MemberAdministration
from missions.enums import AssignmentState, InvitationState, RecordedVia, ReleaseState
from missions.models.missions import Position


class Invitation(ChoiceLabels, models.Model):
    """An expert invited to a position, with a deadline to answer."""

    position = models.ForeignKey(
        Position, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("position")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("expert")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    deadline = models.DateTimeField(_("answer by"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # What the matching said when the expert was invited: rank, points per criterion, total.
    explanation = models.JSONField(_("why this expert"), default=dict, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["position", "invited_at", "pk"]
        constraints = [
            # One open invitation per expert and position.
            models.UniqueConstraint(
                fields=["position", "expert"],
                condition=models.Q(state__in=["pending", "accepted"]),
                name="one_open_invitation_per_position",
            )
        ]

    def __str__(self):
        return f"{self.expert} · {self.position}"


class Assignment(ChoiceLabels, models.Model):
    """An expert who accepted a seat: confirmed once their home administration releases them."""

    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("position")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("expert")
    )
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignment",
        verbose_name=_("invitation"),
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=AssignmentState.choices,
        default=AssignmentState.AWAITING_RELEASE,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["expert", "state"], name="assignment_expert_state_idx")]

    def __str__(self):
        return f"{self.expert} · {self.position}"


def release_letter_path(instance, filename):
    # Stored names are random: the uploader's file name never reaches the file system.
    return f"releases/{instance.pk}/{uuid.uuid4().hex}.pdf"


class Release(ChoiceLabels, models.Model):
    """The home administration's answer to the request to release its officer for a mission.

    Asked by email to the administration's release contacts, with a signed link; answered by
    that link, or recorded by the officer (a letter, a call). The assignment is confirmed only
    by a release.
    """

    assignment = models.OneToOneField(
        Assignment, on_delete=models.PROTECT, related_name="release", verbose_name=_("assignment")
    )
    administration = models.ForeignKey(
        MemberAdministration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home administration"),
    )
    # Where the request went, as the administration's contacts were when it was sent.
    addresses = models.TextField(_("sent to"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ReleaseState.choices, default=ReleaseState.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    recorded_via = models.CharField(
        _("recorded"), max_length=8, choices=RecordedVia.choices, blank=True
    )
    answered_by = models.CharField(
        _("answered by"), max_length=200, blank=True, help_text=_("Name and function.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    reason = models.TextField(_("reason for refusing"), blank=True)
    note = models.TextField(_("note"), blank=True)
    letter = models.FileField(_("scanned letter"), upload_to=release_letter_path, blank=True)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-requested_at", "pk"]
        indexes = [models.Index(fields=["state", "requested_at"], name="release_state_idx")]

    def __str__(self):
        return f"{self.assignment}: {self.get_state_display()}"


def _score(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Evaluation(models.Model):
    """The officer's evaluation of an expert's work on a delivered mission (1 to 5 each)."""

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.PROTECT,
        related_name="evaluation",
        verbose_name=_("assignment"),
    )
    technical_knowledge = _score(_("technical knowledge"))
    facilitation = _score(_("facilitation"))
    use_of_wco_tools = _score(_("use of WCO tools"))
    communication = _score(_("communication"))
    teamwork = _score(_("teamwork"))
    comment = models.TextField(_("comment"), blank=True, help_text=_("Shown to the expert."))
    internal_note = models.TextField(
        _("internal note"), blank=True, help_text=_("Seen by the Secretariat only.")
    )
    # For an expert under field evaluation: the result recorded on their accreditation.
    passed = models.BooleanField(_("field evaluation passed"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)

    SCORES = (
        "technical_knowledge",
        "facilitation",
        "use_of_wco_tools",
        "communication",
        "teamwork",
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return f"{self.assignment}: {self.average:.1f}"

    @property
    def average(self) -> float:
        return sum(getattr(self, name) for name in self.SCORES) / len(self.SCORES)
