"""The record of two expert records merged into one: who, when, what was chosen and kept.

Written once by services.merge.merge_experts and never changed: the snapshot keeps every value of
the removed record (and of the survivor's values it replaced), so nothing is lost.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.models.profile import Expert


class ExpertMergeManager(models.Manager):
    # The survivor's page lists its merges with who did them: one query, also through
    # ``expert.merges`` (related managers build on the default manager).
    def get_queryset(self):
        return super().get_queryset().select_related("merged_by")


class ExpertMerge(models.Model):
    # Null once the survivor itself is erased or merged away (see merge_experts, which re-points
    # earlier merges to the new survivor); the name stays readable either way.
    survivor = models.ForeignKey(
        Expert,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merges",
        verbose_name=_("surviving record"),
    )
    survivor_name = models.CharField(_("surviving record's name"), max_length=301)
    merged_expert_id = models.PositiveIntegerField(_("number of the merged record"))
    merged_name = models.CharField(_("merged record's name"), max_length=301)
    merged_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged record's account"),
    )
    snapshot = models.JSONField(_("snapshot"), encoder=DjangoJSONEncoder)
    choices = models.JSONField(_("choices"), encoder=DjangoJSONEncoder, default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged by"),
    )
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)

    objects = ExpertMergeManager()

    class Meta:
        verbose_name = _("expert merge")
        verbose_name_plural = _("expert merges")
        ordering = ["-merged_at", "-pk"]

    def __str__(self):
        return f"{self.merged_name} → {self.survivor_name}"
