"""Invitations, assignments, releases, reports and evaluations: written by the services, read
here."""

from django.contrib import admin

from missions.admin.preparation import LogisticsItemInline
from missions.models import (
    Assignment,
    CalendarFeed,
    Evaluation,
    Invitation,
    MissionReport,
    Release,
)


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
    inlines = [LogisticsItemInline]


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


@admin.register(MissionReport)
class MissionReportAdmin(ReadOnlyRecord):
    list_display = ["mission", "state", "version", "submitted_by", "submitted_at", "decided_at"]
    list_filter = ["state"]
    search_fields = ["mission__reference", "mission__title", "submitted_by__email"]
    list_select_related = ["mission", "submitted_by"]
    date_hierarchy = "submitted_at"
    # The file is served by the mission's page to the Secretariat and the lead, never here.
    exclude = ["file"]


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


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyRecord):
    """Who has a calendar address; the token itself is never shown (it is the address)."""

    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    exclude = ["token"]
