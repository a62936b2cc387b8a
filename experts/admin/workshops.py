"""Admin for accreditation and refresher workshops (read-only seats and outcomes)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from experts.models import (
    Workshop,
    WorkshopParticipant,
)


class WorkshopParticipantInline(admin.TabularInline):
    """Seats and outcomes are recorded in the Secretariat's screens (experts.services.workshops)."""

    model = WorkshopParticipant
    extra = 0
    can_delete = False
    fields = ["expert", "accreditation", "outcome", "comment"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("expert", "accreditation__profile_type", "accreditation__area")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "profile_type",
        "area",
        "start_date",
        "end_date",
        "online",
        "venue",
        "funding_source",
        "participant_count",
    ]
    list_filter = ["kind", "area", "profile_type", "online"]
    search_fields = ["title", "venue"]
    list_select_related = ["profile_type", "area"]
    date_hierarchy = "start_date"
    readonly_fields = ["created_by", "created_at"]
    inlines = [WorkshopParticipantInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_count=Count("participants"))

    def get_readonly_fields(self, request, obj=None):
        # Candidates' accreditations hang on the workshop's kind, profile and area.
        if obj is not None and obj.participants.exists():
            return [*self.readonly_fields, "kind", "profile_type", "area"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Deleting would silently take the seats and outcomes with it.
        return obj is not None and not obj.participants.exists()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("participants"), ordering="participant_count")
    def participant_count(self, obj):
        return obj.participant_count
