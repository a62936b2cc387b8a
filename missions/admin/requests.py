from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from missions.admin.read_only import ReadOnlyInline
from missions.models import AssistanceRequest, RequestAttachment


class RequestAttachmentInline(ReadOnlyInline):
    """The files that came with the request, read only: they are added in the portal, where
    their content is checked, and downloaded through it."""

    model = RequestAttachment
    fields = ["download", "content_type", "size", "uploaded_by", "uploaded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, attachment):
        url = reverse("missions:request_attachment", args=[attachment.request_id, attachment.pk])
        return format_html('<a href="{}">{}</a>', url, attachment.original_name)


@admin.register(AssistanceRequest)
class AssistanceRequestAdmin(admin.ModelAdmin):
    """Requests are recorded here; accepting or declining one goes through the services."""

    inlines = [RequestAttachmentInline]

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
