from datetime import timedelta

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ace_portal.notifications.services import outbox

from . import kinds
from .enums import NotificationState
from .models import Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to",
        "kind",
        "state",
        "attempts",
        "sent_at",
        "read_at",
        "short_error",
    ]
    list_filter = ["state", "kind", "email", "digest", "created_at"]
    search_fields = ["recipient__email", "address", "dedupe_key", "kind"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["resend", "cancel"]
    fields = [
        "recipient",
        "address",
        "kind",
        "state",
        "language",
        "email",
        "in_app",
        "digest",
        "safe_context",
        "attempts",
        "last_error",
        "dedupe_key",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "read_at",
    ]
    readonly_fields = fields
    change_list_template = "admin/notifications/notification/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("context"))
    def safe_context(self, obj):
        # A single-use link stays in the row until it is sent; it is never shown here.
        hidden = set(kinds.REGISTRY[obj.kind].secret_context) if obj.kind in kinds.REGISTRY else ()
        return {key: ("***" if key in hidden else value) for key, value in obj.context.items()}

    @admin.display(description=_("to"), ordering="recipient__email")
    def to(self, obj):
        return obj.to

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=_("Send the selected failed notifications again"))
    def resend(self, request, queryset):
        with transaction.atomic():
            pks = list(queryset.filter(state=NotificationState.FAILED).values_list("pk", flat=True))
            Notification.objects.filter(pk__in=pks, state=NotificationState.FAILED).update(
                state=NotificationState.PENDING, attempts=0, next_attempt_at=timezone.now()
            )
            transaction.on_commit(lambda: outbox.dispatch(pks))
        messages.success(
            request,
            ngettext(
                "%(count)d notification will be sent again.",
                "%(count)d notifications will be sent again.",
                len(pks),
            )
            % {"count": len(pks)},
        )

    @admin.action(description=_("Cancel the selected pending notifications"))
    def cancel(self, request, queryset):
        count = queryset.filter(state=NotificationState.PENDING).update(
            state=NotificationState.CANCELLED
        )
        messages.success(
            request,
            ngettext(
                "%(count)d notification cancelled.", "%(count)d notifications cancelled.", count
            )
            % {"count": count},
        )

    def changelist_view(self, request, extra_context=None):
        since = timezone.now() - timedelta(hours=24)
        counts = Notification.objects.aggregate(
            sent=Count("pk", filter=Q(state=NotificationState.SENT, sent_at__gte=since)),
            failed=Count("pk", filter=Q(state=NotificationState.FAILED, claimed_at__gte=since)),
            pending=Count("pk", filter=Q(state=NotificationState.PENDING)),
        )
        return super().changelist_view(request, {**(extra_context or {}), "last_24_hours": counts})


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "digest", "muted_kinds", "last_digest_at"]
    list_filter = ["digest"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    readonly_fields = ["last_digest_at"]
