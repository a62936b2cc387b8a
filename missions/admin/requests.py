from django.contrib import admin

from missions.models import AssistanceRequest


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(admin.ModelAdmin):
    """Requests are recorded here; accepting or declining one goes through the services."""

    list_display = [
        "received_on",
        "requesting_administration",
        "thematic_area",
        "mission_type",
        "working_language",
        "state",
        "mission",
    ]
    list_filter = ["state", "mission_type", "thematic_area", "requesting_administration__region"]
    search_fields = [
        "requesting_administration__name_en",
        "requesting_administration__name_fr",
        "justification",
    ]
    list_select_related = [
        "requesting_administration",
        "thematic_area",
        "working_language",
        "mission",
    ]
    date_hierarchy = "received_on"
    autocomplete_fields = ["requesting_administration"]
    readonly_fields = [
        "state",
        "decision_reason",
        "decided_by",
        "decided_at",
        "mission",
        "created_by",
        "created_at",
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
