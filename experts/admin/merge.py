"""Merges of duplicate expert records: a read-only audit trail (merges happen on the
Secretariat's merge page, through experts.services.merge, never here)."""

import json

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from experts.models import ExpertMerge


@admin.register(ExpertMerge)
class ExpertMergeAdmin(admin.ModelAdmin):
    list_display = ["merged_at", "merged_name", "merged_expert_id", "survivor_link", "merged_by"]
    list_select_related = ["survivor", "merged_by"]
    search_fields = ["survivor_name", "merged_name", "merged_by__email", "merged_user__email"]
    date_hierarchy = "merged_at"
    fields = [
        "merged_at",
        "merged_by",
        "survivor_link",
        "survivor_name",
        "merged_expert_id",
        "merged_name",
        "merged_user",
        "choices_display",
        "snapshot_display",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("surviving record"), ordering="survivor_name")
    def survivor_link(self, obj):
        if obj.survivor_id is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("secretariat:expert_detail", args=[obj.survivor_id]),
            obj.survivor_name,
        )

    @admin.display(description=_("choices"))
    def choices_display(self, obj):
        return _pretty(obj.choices)

    @admin.display(description=_("snapshot"))
    def snapshot_display(self, obj):
        return _pretty(obj.snapshot)


def _pretty(value):
    return format_html(
        "<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)
    )
