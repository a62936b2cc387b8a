from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ace_portal.accounts.roles import Role
from missions.admin.preparation import MissionDocumentInline, MissionMaterialInline
from missions.admin.read_only import ReadOnlyInline
from missions.enums import POSITION_STATES, MissionState
from missions.models import Mission, MissionEvent, Position
from missions.services.missions import next_reference


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    fields = ["role", "profile_type", "area", "language", "minimum_level", "seats"]

    def _open(self, obj) -> bool:
        return obj is None or obj.state in POSITION_STATES

    def has_add_permission(self, request, obj=None):
        return self._open(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._open(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._open(obj) and super().has_delete_permission(request, obj)


class MissionEventInline(ReadOnlyInline):
    """The history is written by the services and never changed."""

    model = MissionEvent
    fields = ["at", "action", "from_state", "to_state", "by", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "mission_type",
        "thematic_area",
        "region",
        "start_date",
        "end_date",
        "delivery",
        "state",
        "officer",
    ]
    list_filter = ["state", "mission_type", "delivery", "region", "thematic_area", "funding_source"]
    search_fields = ["reference", "title", "location", "beneficiaries__name_en"]
    list_select_related = ["thematic_area", "region", "officer"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["beneficiaries"]
    filter_horizontal = ["working_languages"]
    readonly_fields = ["reference", "state", "cancel_reason", "created_by", "created_at"]
    inlines = [PositionInline, MissionDocumentInline, MissionMaterialInline, MissionEventInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "officer":
            # The officer in charge is a Secretariat officer.
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(groups__name=Role.SECRETARIAT, is_active=True)
                .order_by("last_name", "first_name")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, _duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True  # beneficiaries__ may match a mission twice

    def has_delete_permission(self, request, obj=None):
        # Its history is append-only: a mission that happened is cancelled, never deleted.
        return False

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not change:
            obj.reference = next_reference(timezone.localdate().year)
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            MissionEvent.objects.create(
                mission=obj,
                action="create",
                from_state="",
                to_state=MissionState.DRAFT,
                by=request.user,
            )
