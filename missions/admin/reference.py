from django.contrib import admin

from missions.models import FundingSource


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
