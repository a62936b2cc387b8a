"""Working groups: experts of one thematic area developing the material of future trainings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.choices import ChoiceLabels
from experts.models import Expert, ProfileType, ThematicArea, Workshop
from materials.enums import DeliverableState, GroupState, MembershipBasis


class WorkingGroupQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=GroupState.OPEN)

    def visible_to(self, user):
        """All groups for the Secretariat; for an expert, the groups they are a member of."""
        from ace_portal.accounts.roles import is_secretariat

        if is_secretariat(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__expert__user=user, memberships__left_at__isnull=True
        ).distinct()

    def with_member(self, expert):
        """The groups ``expert`` is a current member of."""
        return self.filter(memberships__expert=expert, memberships__left_at__isnull=True).distinct()


class WorkingGroup(ChoiceLabels, models.Model):
    """A group of experts on one thematic area (optionally one profile), formed by the
    Secretariat, often at a refresher workshop, with a mandate and deliverables."""

    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(
        ThematicArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("thematic area")
    )
    profile_type = models.ForeignKey(
        ProfileType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("profile"),
    )
    mandate = models.TextField(_("mandate"))
    # Always one of the current members (services.groups keeps it so).
    coordinator = models.ForeignKey(
        Expert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("formed at the workshop"),
    )
    state = models.CharField(
        _("state"), max_length=8, choices=GroupState.choices, default=GroupState.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = WorkingGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["area__name_en", "name", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == GroupState.OPEN


class MembershipQuerySet(models.QuerySet):
    def current(self):
        """The memberships not left: who is in a group now."""
        return self.filter(left_at__isnull=True)


class Membership(ChoiceLabels, models.Model):
    """An expert's membership of a group; leaving keeps the row (``left_at``) as history."""

    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("working group"),
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="+", verbose_name=_("expert")
    )
    basis = models.CharField(_("basis"), max_length=12, choices=MembershipBasis.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "expert__family_name", "expert__given_names", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "expert"],
                condition=Q(left_at__isnull=True),
                name="one_current_membership_per_group",
            )
        ]

    def __str__(self):
        return f"{self.group} · {self.expert}"

    @property
    def is_current(self) -> bool:
        return self.left_at is None


class Deliverable(ChoiceLabels, models.Model):
    """Something the group has undertaken to produce by a date; its coordinator keeps it."""

    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        related_name="deliverables",
        verbose_name=_("working group"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=DeliverableState.choices,
        default=DeliverableState.PLANNED,
    )
    # The library material it produces, once there is one.
    material = models.ForeignKey(
        "materials.Material",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliverables",
        verbose_name=_("material"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["group", "due_date", "pk"]
        indexes = [models.Index(fields=["state", "due_date"])]

    def __str__(self):
        return f"{self.group} · {self.title}"

    @property
    def is_done(self) -> bool:
        return self.state == DeliverableState.DONE
