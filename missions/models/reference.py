from django.db import models
from django.utils.translation import gettext_lazy as _


class FundingSource(models.Model):
    """Who pays for a mission: a Customs Co-operation Fund envelope, a donor, the WCO budget.
    The list is kept in the admin."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_active = models.BooleanField(
        _("offered for new missions"), default=True, help_text=_("Missions keep an old source.")
    )

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["name"]

    def __str__(self):
        return self.name
