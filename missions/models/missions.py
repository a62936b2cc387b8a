from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.choices import ChoiceLabels
from experts.enums import Proficiency
from experts.models import Language, MemberAdministration, ProfileType, Region, ThematicArea
from missions.enums import Delivery, MissionState, MissionType, PositionRole
from missions.models.reference import FundingSource


class MissionSequence(models.Model):
    """The last reference number given in a year (``2027-014``), counted by one upsert."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mission reference counter")
        verbose_name_plural = _("mission reference counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class MissionQuerySet(models.QuerySet):
    def in_state(self, *states):
        return self.filter(state__in=states)


class Mission(ChoiceLabels, models.Model):
    """A capacity-building activity the Secretariat plans, staffs and delivers.

    States change only through missions.services.missions (one function a transition); every
    change writes a MissionEvent, which is never edited or deleted.
    """

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    mission_type = models.CharField(_("mission type"), max_length=24, choices=MissionType.choices)
    thematic_area = models.ForeignKey(
        ThematicArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("thematic area")
    )
    beneficiaries = models.ManyToManyField(
        MemberAdministration,
        related_name="missions_received",
        verbose_name=_("beneficiary administrations"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    delivery = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.IN_PERSON
    )
    location = models.CharField(
        _("location"), max_length=200, blank=True, help_text=_("City and venue, or the platform.")
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    working_languages = models.ManyToManyField(
        Language, related_name="+", verbose_name=_("working languages")
    )
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name=_("funding source"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="missions_in_charge",
        verbose_name=_("officer in charge"),
    )
    terms_of_reference = models.TextField(_("terms of reference"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=MissionState.choices, default=MissionState.DRAFT
    )
    cancel_reason = models.TextField(_("reason for the cancellation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="mission_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "start_date"], name="mission_state_start_idx"),
            # The list's order (latest start first) read from the index, not a sort of all.
            models.Index(fields=["-start_date", "-id"], name="mission_latest_first_idx"),
            # Missions overlapping some dates (the "busy" rule) end after their start.
            models.Index(fields=["end_date"], name="mission_end_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class MissionEvent(ChoiceLabels, models.Model):
    """One change of a mission's state. Append-only: the history cannot be rewritten."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=24)
    from_state = models.CharField(
        _("from"), max_length=12, choices=MissionState.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=12, choices=MissionState.choices)
    # Null when the system acted (the daily task that follows the dates).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("mission event")
        verbose_name_plural = _("mission events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.mission.reference}: {self.from_state or '-'} → {self.to_state}"


class Position(ChoiceLabels, models.Model):
    """A seat, or several alike, to fill on a mission."""

    mission = models.ForeignKey(
        Mission, on_delete=models.CASCADE, related_name="positions", verbose_name=_("mission")
    )
    role = models.CharField(_("role"), max_length=20, choices=PositionRole.choices)
    profile_type = models.ForeignKey(
        ProfileType, on_delete=models.PROTECT, related_name="+", verbose_name=_("profile")
    )
    area = models.ForeignKey(
        ThematicArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("thematic area")
    )
    language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("required language"),
    )
    minimum_level = models.PositiveSmallIntegerField(
        _("minimum level"), choices=Proficiency.choices, null=True, blank=True
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    cascade = models.BooleanField(
        _("invite the next candidate automatically"),
        default=False,
        help_text=_("When an invitation is declined or expires, invite the next ranked expert."),
    )

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["mission", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="position_has_a_seat"),
            models.CheckConstraint(
                condition=models.Q(language__isnull=True, minimum_level__isnull=True)
                | models.Q(language__isnull=False, minimum_level__isnull=False),
                name="position_language_with_level",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} · {self.profile_type.code} · {self.area}"
