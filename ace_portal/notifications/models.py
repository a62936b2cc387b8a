from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import Digest, NotificationState


class NotificationQuerySet(models.QuerySet):
    def for_bell(self, user):
        return self.filter(recipient=user, in_app=True)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One notification to one person: the outbox row for its email and its in-app copy.

    Created in the same transaction as the event that causes it; ``dedupe_key`` makes the same
    event or reminder impossible to queue twice for the same person.

    Most go to a user. A few go to an address with no account behind it (a Member
    administration's contact, asked to release its officer): those have ``address``, no
    recipient, no in-app copy and no preferences.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    address = models.EmailField(_("address without an account"), blank=True)
    kind = models.CharField(_("kind"), max_length=64)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8)
    email = models.BooleanField(_("by email"), default=True)
    in_app = models.BooleanField(_("in the app"), default=True)
    digest = models.BooleanField(_("in a digest"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=NotificationState.choices, default="pending"
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(address=""),
                name="notification_has_a_recipient",
            )
        ]
        indexes = [
            # The sweep's two questions: what waits to be sent, what is stuck in sending.
            models.Index(
                fields=["next_attempt_at"],
                name="notification_pending_idx",
                condition=Q(state="pending", digest=False),
            ),
            models.Index(
                fields=["claimed_at"], name="notification_sending_idx", condition=Q(state="sending")
            ),
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_bell_idx",
                condition=Q(in_app=True),
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id or self.address}"

    @property
    def to(self) -> str:
        return self.address or self.recipient.email


class NotificationSettings(models.Model):
    """A person's delivery choices: per-kind email switches and an optional digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    digest = models.CharField(
        _("how to receive emails"), max_length=8, choices=Digest.choices, default=Digest.NONE
    )
    # Kind codes whose emails the person turned off (they still appear in the app).
    muted_kinds = models.JSONField(_("emails turned off"), default=list, blank=True)
    last_digest_at = models.DateTimeField(_("last digest sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)
