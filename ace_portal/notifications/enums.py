from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationState(models.TextChoices):
    """Where a notification's email stands. The in-app copy is there from the start."""

    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    # Not emailed because the recipient turned email off for this kind (it shows in the app).
    SKIPPED = "skipped", _("Not emailed (preferences)")


class Digest(models.TextChoices):
    NONE = "none", _("Send each notification as it happens")
    DAILY = "daily", _("One daily digest")
    WEEKLY = "weekly", _("One weekly digest (Mondays)")
