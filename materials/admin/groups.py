"""The admin of working groups, their memberships and deliverables.

Groups are formed, their members kept and their coordinator named on the portal's pages,
through materials.services.groups, which keep the coordinator among the members and tell the
experts. The admin shows all of it, searchable and filtered, and corrects only the words (a
group's name and mandate, a deliverable's title, description and due date).
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from materials.models import Deliverable, Membership, WorkingGroup


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    fields = ["expert", "basis", "added_by", "joined_at", "left_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("expert", "added_by")

    def has_add_permission(self, request, obj=None):
        return False


class DeliverableInline(admin.TabularInline):
    model = Deliverable
    extra = 0
    can_delete = False
    fields = ["title", "due_date", "state", "material", "updated_by", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("material", "updated_by")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "profile_type", "coordinator", "members", "state", "created_at"]
    list_filter = ["state", "area", "profile_type"]
    search_fields = [
        "name",
        "mandate",
        "coordinator__family_name",
        "coordinator__given_names",
        "memberships__expert__family_name",
    ]
    list_select_related = ["area", "profile_type", "coordinator"]
    date_hierarchy = "created_at"
    fields = [
        "name",
        "mandate",
        "area",
        "profile_type",
        "workshop",
        "coordinator",
        "state",
        "created_by",
        "created_at",
        "closed_at",
    ]
    readonly_fields = [
        "area",
        "profile_type",
        "workshop",
        "coordinator",
        "state",
        "created_by",
        "created_at",
        "closed_at",
    ]
    inlines = [MembershipInline, DeliverableInline]

    def get_queryset(self, request):
        current = Q(memberships__left_at__isnull=True)
        return super().get_queryset(request).annotate(member_count=Count("memberships", current))

    @admin.display(description=_("members"), ordering="member_count")
    def members(self, group):
        return group.member_count

    def has_add_permission(self, request):
        # Formed on the portal (Working groups > New), which checks and tells the members.
        return False

    def has_delete_permission(self, request, obj=None):
        # Closed instead: a group and its materials stay as a record.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["expert", "group", "basis", "joined_at", "left_at", "added_by"]
    list_filter = ["basis", ("left_at", admin.EmptyFieldListFilter), "group__area"]
    search_fields = [
        "expert__family_name",
        "expert__given_names",
        "expert__user__email",
        "group__name",
    ]
    list_select_related = ["expert", "group", "added_by"]
    fields = ["group", "expert", "basis", "added_by", "joined_at", "left_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "due_date", "state", "updated_by", "updated_at"]
    list_filter = ["state", "group__state", "group__area"]
    search_fields = ["title", "description", "group__name"]
    list_select_related = ["group", "updated_by"]
    date_hierarchy = "due_date"
    fields = [
        "group",
        "title",
        "description",
        "due_date",
        "state",
        "material",
        "updated_by",
        "updated_at",
    ]
    readonly_fields = ["group", "state", "material", "updated_by", "updated_at"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by, obj.updated_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
