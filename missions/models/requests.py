from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.models import Language, MemberAdministration, ThematicArea
from missions.enums import MissionType, RequestState


class AssistanceRequest(models.Model):
    """A Member administration asks for assistance; the Secretariat records the request and
    accepts it into a mission, declines it with a reason, or keeps it waiting."""

    requesting_administration = models.ForeignKey(
        MemberAdministration,
        on_delete=models.PROTECT,
        related_name="assistance_requests",
        verbose_name=_("requesting administration"),
    )
    thematic_area = models.ForeignKey(
        ThematicArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("thematic area")
    )
    mission_type = models.CharField(_("mission type"), max_length=24, choices=MissionType.choices)
    preferred_start = models.DateField(_("preferred start"), null=True, blank=True)
    preferred_end = models.DateField(_("preferred end"), null=True, blank=True)
    working_language = models.ForeignKey(
        Language, on_delete=models.PROTECT, related_name="+", verbose_name=_("working language")
    )
    justification = models.TextField(_("justification"))
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.WAITING
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    mission = models.OneToOneField(
        "missions.Mission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="request",
        verbose_name=_("mission"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("assistance request")
        verbose_name_plural = _("assistance requests")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_end__isnull=True)
                | models.Q(preferred_start__isnull=True)
                | models.Q(preferred_end__gte=models.F("preferred_start")),
                name="request_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.requesting_administration} · {self.get_mission_type_display()}"
