"""What the missions admin only shows: rows the services (or the portal's checked uploads)
write, listed inline under the row they belong to."""

from django.contrib import admin


class ReadOnlyInline(admin.TabularInline):
    """Every field of ``fields`` shown, none added, changed or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
