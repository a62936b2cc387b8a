"""Invitations, assignments, releases and evaluations: written by the services, read here."""

from django.contrib import admin

from missions.models import Assignment, Evaluation, Invitation, Release


class ReadOnlyRecord(admin.ModelAdmin):
    """Rows the staffing services write (with their notifications); the admin reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyRecord):
    list_display = ["expert", "position", "state", "deadline", "invited_at", "answered_at"]
    list_filter = ["state", "position__role", "position__mission__state"]
    search_fields = ["expert__family_name", "expert__given_names", "position__mission__reference"]
    list_select_related = ["expert", "position__profile_type", "position__area"]
    date_hierarchy = "invited_at"


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyRecord):
    list_display = ["expert", "position", "state", "created_at", "confirmed_at"]
    list_filter = ["state", "position__role", "position__mission__state"]
    search_fields = ["expert__family_name", "expert__given_names", "position__mission__reference"]
    list_select_related = ["expert", "position__profile_type", "position__area"]


@admin.register(Release)
class ReleaseAdmin(ReadOnlyRecord):
    list_display = [
        "assignment",
        "administration",
        "state",
        "requested_at",
        "answered_at",
        "recorded_via",
    ]
    list_filter = ["state", "recorded_via", "administration__region"]
    search_fields = [
        "assignment__expert__family_name",
        "assignment__position__mission__reference",
        "administration__name_en",
        "answered_by",
    ]
    list_select_related = [
        "administration",
        "assignment__expert",
        "assignment__position__profile_type",
        "assignment__position__area",
    ]
    date_hierarchy = "requested_at"
    # The scanned letter is served by the Secretariat's release page, never from the admin.
    exclude = ["letter"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyRecord):
    list_display = [
        "assignment",
        "technical_knowledge",
        "facilitation",
        "use_of_wco_tools",
        "communication",
        "teamwork",
        "passed",
        "evaluated_at",
    ]
    list_filter = ["passed"]
    search_fields = ["assignment__expert__family_name", "assignment__position__mission__reference"]
    list_select_related = [
        "assignment__expert",
        "assignment__position__profile_type",
        "assignment__position__area",
    ]
