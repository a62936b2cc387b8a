"""The admin of the library: materials with their versions, read here. Reviews, withdrawals
and uploads go through the portal's pages, where the workflow and the files' content are
checked; the admin corrects a material's wording only, never its state."""

from contextlib import suppress

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from materials.models import Material, MaterialVersion
from materials.services import library, search
from materials.services.errors import MaterialsError


def _download(version):
    url = reverse("materials:version_file", args=[version.material_id, version.number])
    return format_html('<a href="{}">{}</a>', url, version.original_name)


class MaterialVersionInline(admin.TabularInline):
    """A material's versions, read only (missions.admin.read_only's shape: materials may not
    import missions), each a link to its download through the portal."""

    model = MaterialVersion
    fields = [
        "number",
        "review",
        "download",
        "size",
        "uploaded_by",
        "uploaded_at",
        "reviewed_by",
        "reviewed_at",
        "review_comments",
        "extraction",
    ]
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by", "reviewed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, version):
        return _download(version)


# Written only by materials.services.library (the workflow's transitions).
WORKFLOW_FIELDS = [
    "area",
    "group",
    "state",
    "published_version",
    "published_at",
    "withdrawn_reason",
    "withdrawn_at",
    "created_by",
    "created_at",
    "updated_at",
]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "area", "kind", "state", "group", "published_at", "updated_at"]
    list_filter = ["area", "kind", "state"]
    search_fields = ["title", "description", "tags", "group__name"]
    list_select_related = ["area", "group"]
    date_hierarchy = "updated_at"
    fields = ["title", "kind", "languages", "description", "tags", *WORKFLOW_FIELDS]
    readonly_fields = WORKFLOW_FIELDS
    filter_horizontal = ["languages"]
    inlines = [MaterialVersionInline]

    def save_model(self, request, obj, form, change):
        # Tags longer than the field once spaced out (", ") are kept as typed.
        with suppress(MaterialsError):
            obj.tags = library.normalize_tags(obj.tags)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A corrected title or tags must be found by the library's search at once.
        search.refresh_search_vectors([form.instance.pk])

    # A material starts in the portal, with a checked file as its first version.
    def has_add_permission(self, request):
        return False

    # Its versions and their files are kept for ever; withdrawal takes it out of use.
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MaterialVersion)
class MaterialVersionAdmin(admin.ModelAdmin):
    list_display = ["material", "number", "review", "uploaded_by", "uploaded_at", "extraction"]
    list_filter = ["review", "extraction", "material__area"]
    search_fields = ["material__title", "original_name", "note", "review_comments"]
    list_select_related = ["material", "uploaded_by"]
    date_hierarchy = "uploaded_at"
    fields = [
        "material",
        "number",
        "download",
        "original_name",
        "content_type",
        "size",
        "note",
        "review",
        "reviewed_by",
        "reviewed_at",
        "review_comments",
        "uploaded_by",
        "uploaded_at",
        "extraction",
        "extraction_queued_at",
        "extraction_attempts",
    ]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, version):
        return _download(version)

    # Uploaded, reviewed and kept through the portal: read only here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
