"""Before the mission in the admin: the checklists (written in the portal by the Secretariat and
the experts, read here) and the mission documents (added in the portal, where their content is
checked; their titles can be corrected and a document removed here), and the library materials
attached to a mission (attached in the portal, which checks they are published)."""

from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from missions.admin.read_only import ReadOnlyInline
from missions.models import LogisticsItem, MissionDocument, MissionMaterial


def _download(document):
    url = reverse("missions:document", args=[document.mission.reference, document.pk])
    return format_html('<a href="{}">{}</a>', url, document.original_name)


class MissionDocumentInline(ReadOnlyInline):
    """A mission's documents, read only, each a link to its download through the portal."""

    model = MissionDocument
    fields = ["kind", "title", "download", "size", "uploaded_by", "uploaded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("mission", "uploaded_by")

    @admin.display(description=_("file"))
    def download(self, document):
        return _download(document)


class MissionMaterialInline(ReadOnlyInline):
    """The library materials attached to a mission, read only (the portal attaches them)."""

    model = MissionMaterial
    fields = ["material", "added_by", "added_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("material", "added_by")


class LogisticsItemInline(ReadOnlyInline):
    """A seat's checklist as it was last updated, read only."""

    model = LogisticsItem
    fields = ["kind", "state", "departure", "return_date", "note", "updated_by", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("updated_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LogisticsItem)
class LogisticsItemAdmin(admin.ModelAdmin):
    list_display = ["assignment", "kind", "state", "departure", "return_date", "updated_at"]
    list_filter = ["kind", "state", "assignment__position__mission__state"]
    search_fields = [
        "assignment__expert__family_name",
        "assignment__expert__given_names",
        "assignment__position__mission__reference",
        "note",
    ]
    list_select_related = [
        "assignment__expert",
        "assignment__position__profile_type",
        "assignment__position__area",
    ]
    date_hierarchy = "updated_at"

    # Written in the portal (the service checks the seat, the mission and who may update it).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MissionDocument)
class MissionDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "mission", "kind", "original_name", "size", "uploaded_at"]
    list_filter = ["kind", "mission__state"]
    search_fields = ["title", "original_name", "mission__reference", "mission__title"]
    list_select_related = ["mission"]
    date_hierarchy = "uploaded_at"
    fields = [
        "mission",
        "kind",
        "title",
        "download",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    readonly_fields = ["mission", "download", "content_type", "size", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("file"))
    def download(self, document):
        return _download(document)

    # Added on the mission's page, where the file's content is checked.
    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        self.delete_queryset(request, MissionDocument.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        files = {document.file.name: document.file.storage for document in queryset}
        queryset.delete()
        # The demo's documents share their files: keep a file another row still names.
        kept = set(MissionDocument.objects.filter(file__in=files).values_list("file", flat=True))
        for name, storage in files.items():
            if name not in kept:
                transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
